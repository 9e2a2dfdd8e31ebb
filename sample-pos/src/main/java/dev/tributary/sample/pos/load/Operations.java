package dev.tributary.sample.pos.load;

import dev.tributary.api.Tributary;
import dev.tributary.sample.pos.inventory.InventoryCommands.AdjustCount;
import dev.tributary.sample.pos.inventory.InventoryCommands.OpenShop;
import dev.tributary.sample.pos.inventory.InventoryCommands.ReceiveDelivery;
import dev.tributary.sample.pos.inventory.InventoryCommands.TransferOut;
import dev.tributary.sample.pos.inventory.OpeningStock;
import dev.tributary.sample.pos.inventory.StockLine;
import dev.tributary.sample.pos.sales.SaleLine;
import dev.tributary.sample.pos.sales.SalesEvents.ItemsReturned;
import dev.tributary.sample.pos.sales.SalesEvents.SaleRecorded;
import dev.tributary.sample.pos.sales.SalesEvents.SaleVoided;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Everything the chain does that moves stock: tills publish facts, the back office sends commands. Each movement
 * is booked in the {@link Ledger} once the platform has accepted it, and not at all if it was refused or failed;
 * the returned future completes after the booking.
 */
public final class Operations {

    private final Tributary tributary;
    private final String salesStream;
    private final Ledger ledger;

    public Operations(Tributary tributary, String salesStream, Ledger ledger) {
        this.tributary = Objects.requireNonNull(tributary, "tributary");
        this.salesStream = Objects.requireNonNull(salesStream, "salesStream");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
    }

    /** A till rang up a sale: fire-and-go, keyed by the shop so that the shop's facts stay in order. */
    public CompletableFuture<Void> recordSale(SaleRecorded sale) {
        return tributary.publish(salesStream, sale.shopId(), sale)
                .thenRun(() -> book(sale.shopId(), sale.lines(), Movement.SOLD));
    }

    public CompletableFuture<Void> voidSale(SaleVoided voided) {
        return tributary.publish(salesStream, voided.shopId(), voided)
                .thenRun(() -> book(voided.shopId(), voided.lines(), Movement.VOIDED));
    }

    public CompletableFuture<Void> recordReturn(ItemsReturned returned) {
        return tributary.publish(salesStream, returned.shopId(), returned)
                .thenRun(() -> book(returned.shopId(), returned.lines(), Movement.RETURNED));
    }

    public CompletableFuture<Void> openShop(String shopId, List<OpeningStock> items) {
        return tributary.<Object>send(new OpenShop(shopId, items))
                .thenRun(() -> items.forEach(item -> ledger.book(shopId, item.itemId(), Movement.OPENING, item.quantity())));
    }

    public CompletableFuture<Void> receiveDelivery(String shopId, String deliveryId, List<StockLine> lines) {
        return tributary.<Object>send(new ReceiveDelivery(shopId, deliveryId, lines))
                .thenRun(() -> lines.forEach(line -> ledger.book(shopId, line.itemId(), Movement.RECEIVED, line.quantity())));
    }

    /** Fails with {@link dev.tributary.sample.pos.inventory.InsufficientStockException} if refused. */
    public CompletableFuture<Void> transfer(String transferId, String fromShopId, String toShopId, String itemId,
                                            long quantity) {
        return tributary.<Object>send(new TransferOut(fromShopId, transferId, toShopId, itemId, quantity))
                .thenRun(() -> {
                    ledger.book(fromShopId, itemId, Movement.TRANSFERRED_OUT, quantity);
                    ledger.book(toShopId, itemId, Movement.TRANSFERRED_IN, quantity);
                });
    }

    /**
     * Completes with the adjustment booked; fails with
     * {@link dev.tributary.sample.pos.inventory.StockMovedDuringCountException} if refused.
     */
    public CompletableFuture<Long> count(String countId, String shopId, String itemId, long expectedOnHand,
                                         long countedQuantity) {
        return tributary.<Long>send(new AdjustCount(shopId, countId, itemId, expectedOnHand, countedQuantity))
                .thenApply(adjustment -> {
                    ledger.book(shopId, itemId, Movement.ADJUSTED, countedQuantity - expectedOnHand);
                    return adjustment;
                });
    }

    private void book(String shopId, List<SaleLine> lines, Movement movement) {
        lines.forEach(line -> ledger.book(shopId, line.itemId(), movement, line.quantity()));
    }
}
