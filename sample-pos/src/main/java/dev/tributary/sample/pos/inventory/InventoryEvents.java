package dev.tributary.sample.pos.inventory;

import java.time.Instant;
import java.util.List;

/** What a {@link ShopInventory} applies, onto the inventory stream under the shop's id. */
public final class InventoryEvents {

    private InventoryEvents() {
    }

    public record ShopOpened(String shopId, List<OpeningStock> items) {
    }

    /**
     * A sale's units left the shelf.
     *
     * @param saleRecordedAt when the till recorded the sale; null in events written before the sample kept it, so
     *                       that a data folder of an older version still reads
     */
    public record SaleDeducted(String shopId, String receiptId, String tillId, List<StockLine> lines,
                               SourcePosition source, Instant saleRecordedAt) {
    }

    /**
     * A sale left an item below zero: the shop sold units it had not recorded (theft, a mis-scan, a delivery not
     * booked yet).
     *
     * @param onHand    units on hand after the sale, negative
     * @param shortfall units of this sale that were not covered by recorded stock
     */
    public record StockShortage(String shopId, String itemId, long onHand, long shortfall, String receiptId) {
    }

    public record SaleReversed(String shopId, String voidId, String voidedReceiptId, List<StockLine> lines,
                               SourcePosition source) {
    }

    public record ReturnRestocked(String shopId, String returnId, String originalReceiptId, List<StockLine> lines,
                                  SourcePosition source) {
    }

    public record DeliveryReceived(String shopId, String deliveryId, List<StockLine> lines) {
    }

    public record StockTransferredOut(String shopId, String transferId, String toShopId, String itemId,
                                      long quantity) {
    }

    public record StockTransferredIn(String shopId, String transferId, String fromShopId, String itemId,
                                     long quantity, SourcePosition source) {
    }

    public record StockCheckConfirmed(String shopId, String checkId, SourcePosition source) {
    }

    public record StockCounted(String shopId, String countId, String itemId, long expectedOnHand,
                               long countedQuantity) {

        /** Units booked by this count: positive when more were found than recorded. */
        public long adjustment() {
            return countedQuantity - expectedOnHand;
        }
    }
}
