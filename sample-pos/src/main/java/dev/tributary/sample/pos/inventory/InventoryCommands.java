package dev.tributary.sample.pos.inventory;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link ShopInventory} is asked to do. Back-office commands ({@link ReceiveDelivery}, {@link TransferOut},
 * {@link AdjustCount}) may be refused with a reason; the commands a processor derives from facts
 * ({@link DeductSale}, {@link ReverseSale}, {@link RestockReturn}, {@link TransferIn}) never are, and carry the
 * {@link SourcePosition} of their fact so that a repeated one changes nothing.
 */
public final class InventoryCommands {

    private InventoryCommands() {
    }

    /** Opens a shop's inventory with its opening stock. A shop is opened once. */
    public record OpenShop(@TargetAggregateIdentifier String shopId, List<OpeningStock> items) {
        public OpenShop {
            requireShop(shopId);
            items = List.copyOf(Objects.requireNonNull(items, "items"));
        }
    }

    /** Goods arrived from a supplier. Refused if a line's quantity is not positive (checked by {@link StockLine}). */
    public record ReceiveDelivery(@TargetAggregateIdentifier String shopId, String deliveryId, List<StockLine> lines) {
        public ReceiveDelivery {
            requireShop(shopId);
            Objects.requireNonNull(deliveryId, "deliveryId");
            lines = requireLines(lines, "delivery " + deliveryId);
        }
    }

    /**
     * Sends units to another shop. Refused with {@link InsufficientStockException} if the shop has fewer on hand;
     * once accepted, the receiving shop gets a {@link TransferIn}.
     */
    public record TransferOut(@TargetAggregateIdentifier String shopId, String transferId, String toShopId,
                              String itemId, long quantity) {
        public TransferOut {
            requireShop(shopId);
            Objects.requireNonNull(transferId, "transferId");
            Objects.requireNonNull(toShopId, "toShopId");
            Objects.requireNonNull(itemId, "itemId");
            if (toShopId.equals(shopId)) {
                throw new IllegalArgumentException("transfer " + transferId + " goes from shop " + shopId
                        + " to itself");
            }
            if (quantity < 1) {
                throw new IllegalArgumentException("transfer " + transferId + " of item " + itemId
                        + " must move at least 1 unit, got " + quantity);
            }
        }
    }

    /** The receiving half of an accepted {@link TransferOut}; sent by the transfers processor. */
    public record TransferIn(@TargetAggregateIdentifier String shopId, String transferId, String fromShopId,
                             String itemId, long quantity, SourcePosition source) {
        public TransferIn {
            requireShop(shopId);
            Objects.requireNonNull(transferId, "transferId");
            Objects.requireNonNull(fromShopId, "fromShopId");
            Objects.requireNonNull(itemId, "itemId");
            Objects.requireNonNull(source, "source");
        }
    }

    /**
     * A stock count: someone counted {@code countedQuantity} units while the system showed {@code expectedOnHand}.
     * The difference is booked as an adjustment. Refused with {@link StockMovedDuringCountException} if the
     * stock on hand is no longer {@code expectedOnHand}. Answers the adjustment booked.
     */
    public record AdjustCount(@TargetAggregateIdentifier String shopId, String countId, String itemId,
                              long expectedOnHand, long countedQuantity) {
        public AdjustCount {
            requireShop(shopId);
            Objects.requireNonNull(countId, "countId");
            Objects.requireNonNull(itemId, "itemId");
            if (countedQuantity < 0) {
                throw new IllegalArgumentException("count " + countId + " of item " + itemId
                        + " must count >= 0 units, got " + countedQuantity);
            }
        }
    }

    /**
     * A sale happened: take its units off the shelf. Never refused; below zero it raises a shortage.
     *
     * @param saleRecordedAt when the till recorded the sale, for {@link InventoryEvents.SaleDeducted}; null in
     *                       commands written before the sample kept it
     */
    public record DeductSale(@TargetAggregateIdentifier String shopId, String receiptId, String tillId,
                             List<StockLine> lines, SourcePosition source, Instant saleRecordedAt) {
        public DeductSale {
            requireShop(shopId);
            Objects.requireNonNull(receiptId, "receiptId");
            Objects.requireNonNull(tillId, "tillId");
            Objects.requireNonNull(source, "source");
            lines = requireLines(lines, "receipt " + receiptId);
        }
    }

    /** A receipt was voided: its units go back. Never refused. */
    public record ReverseSale(@TargetAggregateIdentifier String shopId, String voidId, String voidedReceiptId,
                              List<StockLine> lines, SourcePosition source) {
        public ReverseSale {
            requireShop(shopId);
            Objects.requireNonNull(voidId, "voidId");
            Objects.requireNonNull(voidedReceiptId, "voidedReceiptId");
            Objects.requireNonNull(source, "source");
            lines = requireLines(lines, "void " + voidId);
        }
    }

    /** A customer returned goods at a till: they go back on the shelf. Never refused. */
    public record RestockReturn(@TargetAggregateIdentifier String shopId, String returnId, String originalReceiptId,
                                List<StockLine> lines, SourcePosition source) {
        public RestockReturn {
            requireShop(shopId);
            Objects.requireNonNull(returnId, "returnId");
            Objects.requireNonNull(originalReceiptId, "originalReceiptId");
            Objects.requireNonNull(source, "source");
            lines = requireLines(lines, "return " + returnId);
        }
    }

    /**
     * Confirms a stock check requested at the tills. It reaches the shop after every fact recorded before the
     * request (they share the shop's partitions all the way), so its confirmation marks the point where the stock
     * includes all of them.
     */
    public record ConfirmStockCheck(@TargetAggregateIdentifier String shopId, String checkId, SourcePosition source) {
        public ConfirmStockCheck {
            requireShop(shopId);
            Objects.requireNonNull(checkId, "checkId");
            Objects.requireNonNull(source, "source");
        }
    }

    /** Asks a shop's inventory for its stock on hand; changes nothing. Answers a {@link StockReport}. */
    public record ReportStock(@TargetAggregateIdentifier String shopId) {
        public ReportStock {
            requireShop(shopId);
        }
    }

    private static void requireShop(String shopId) {
        Objects.requireNonNull(shopId, "shopId");
        if (shopId.isBlank()) {
            throw new IllegalArgumentException("shopId must not be blank");
        }
    }

    private static List<StockLine> requireLines(List<StockLine> lines, String what) {
        Objects.requireNonNull(lines, "lines");
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(what + " has no lines");
        }
        return List.copyOf(lines);
    }
}
