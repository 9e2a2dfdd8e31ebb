package dev.tributary.sample.pos.inventory;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.sample.pos.inventory.InventoryCommands.DeductSale;
import dev.tributary.sample.pos.inventory.InventoryEvents.SaleDeducted;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Events and commands in the log's JSON, as an older version of the sample wrote them into a data folder. */
class InventoryEventsTest {

    private static final String WITHOUT_SALE_TIME = """
            {"shopId":"s00001","receiptId":"r1","tillId":"s00001-t1","lines":[{"itemId":"i0001","quantity":2}],
             "source":{"stream":"pos-sales","partition":3,"offset":41}}""";

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void a_sale_deducted_written_before_the_sample_kept_the_sale_time_reads_without_it() throws Exception {
        SaleDeducted deducted = json.readValue(WITHOUT_SALE_TIME, SaleDeducted.class);

        assertEquals(new SaleDeducted("s00001", "r1", "s00001-t1", List.of(new StockLine("i0001", 2)),
                new SourcePosition("pos-sales", 3, 41), null), deducted);
        assertNull(deducted.saleRecordedAt());
    }

    @Test
    void a_deduct_sale_command_written_before_the_sample_kept_the_sale_time_reads_without_it() throws Exception {
        DeductSale command = json.readValue(WITHOUT_SALE_TIME, DeductSale.class);

        assertEquals(new DeductSale("s00001", "r1", "s00001-t1", List.of(new StockLine("i0001", 2)),
                new SourcePosition("pos-sales", 3, 41), null), command);
    }
}
