package dev.tributary.sample.pos;

import dev.tributary.api.StreamSpec;

import java.util.Objects;

/**
 * The names of the sample's streams and consumer groups, all under one prefix so that several worlds can share a
 * broker (the tests do).
 *
 * @param prefix the common prefix, {@code pos} by default
 */
public record PosNames(String prefix) {

    public static final PosNames DEFAULT = new PosNames("pos");

    public PosNames {
        Objects.requireNonNull(prefix, "prefix");
        new StreamSpec(prefix + "-inventory-commands", 1); // validates the longest derived name
    }

    /** The tills' facts, keyed by shop. */
    public String salesStream() {
        return prefix + "-sales";
    }

    /** The {@code ShopInventory} aggregates' events, keyed by shop. */
    public String inventoryStream() {
        return prefix + "-inventory";
    }

    /** The exactly-once processor from sales facts to inventory commands. */
    public String salesToInventoryGroup() {
        return prefix + "-sales-to-inventory";
    }

    /** The exactly-once processor that completes transfers into the receiving shop. */
    public String transfersGroup() {
        return prefix + "-transfers";
    }

    /** The exactly-once projection into stock on hand and the stock alerts. */
    public String inventoryViewGroup() {
        return prefix + "-inventory-view";
    }

    /** The exactly-once projection into daily sales. */
    public String salesViewGroup() {
        return prefix + "-sales-view";
    }

    /** The at-least-once projection that times how far behind the tills the sales are deducted. */
    public String deductionDelaysGroup() {
        return prefix + "-deduction-delays";
    }
}
