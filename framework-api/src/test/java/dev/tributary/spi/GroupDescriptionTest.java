package dev.tributary.spi;

import dev.tributary.api.StreamPartition;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GroupDescriptionTest {

    private static final StreamPartition PARTITION = StreamPartition.of("orders", 2);

    @Test
    void a_group_description_keeps_a_copy_of_its_owners() {
        Map<StreamPartition, String> owners = new HashMap<>(Map.of(PARTITION, "member-1"));
        GroupDescription description = new GroupDescription("g", 3, owners);
        owners.clear();

        assertEquals(Map.of(PARTITION, "member-1"), description.owners());
        assertThrows(UnsupportedOperationException.class, () -> description.owners().put(PARTITION, "other"));
    }
}
