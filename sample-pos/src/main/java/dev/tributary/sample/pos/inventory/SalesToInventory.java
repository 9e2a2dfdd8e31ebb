package dev.tributary.sample.pos.inventory;

import dev.tributary.api.Emitter;
import dev.tributary.api.Event;
import dev.tributary.api.ProcessorFunction;
import dev.tributary.sample.pos.inventory.InventoryCommands.ConfirmStockCheck;
import dev.tributary.sample.pos.inventory.InventoryCommands.DeductSale;
import dev.tributary.sample.pos.inventory.InventoryCommands.RestockReturn;
import dev.tributary.sample.pos.inventory.InventoryCommands.ReverseSale;
import dev.tributary.sample.pos.sales.SaleLine;
import dev.tributary.sample.pos.sales.SalesEvents.ItemsReturned;
import dev.tributary.sample.pos.sales.SalesEvents.SaleRecorded;
import dev.tributary.sample.pos.sales.SalesEvents.SaleVoided;
import dev.tributary.sample.pos.sales.SalesEvents.StockCheckRequested;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The exactly-once bridge from the sales context to inventory: every till fact (and stock-check request) becomes one
 * inventory command, sent in the same log transaction that consumes the fact. Lines of one receipt for the same
 * item are merged.
 */
public final class SalesToInventory implements ProcessorFunction {

    @Override
    public void process(Event event, Emitter emitter) {
        SourcePosition source = SourcePosition.of(event);
        Object payload = event.payload();
        if (payload instanceof SaleRecorded sale) {
            emitter.send(new DeductSale(sale.shopId(), sale.receiptId(), sale.tillId(), stockLines(sale.lines()),
                    source, sale.recordedAt()));
        } else if (payload instanceof SaleVoided voided) {
            emitter.send(new ReverseSale(voided.shopId(), voided.voidId(), voided.voidedReceiptId(),
                    stockLines(voided.lines()), source));
        } else if (payload instanceof ItemsReturned returned) {
            emitter.send(new RestockReturn(returned.shopId(), returned.returnId(), returned.originalReceiptId(),
                    stockLines(returned.lines()), source));
        } else if (payload instanceof StockCheckRequested check) {
            emitter.send(new ConfirmStockCheck(check.shopId(), check.checkId(), source));
        }
    }

    static List<StockLine> stockLines(List<SaleLine> lines) {
        Map<String, Long> byItem = new LinkedHashMap<>();
        lines.forEach(line -> byItem.merge(line.itemId(), line.quantity(), Long::sum));
        return byItem.entrySet().stream().map(e -> new StockLine(e.getKey(), e.getValue())).toList();
    }
}
