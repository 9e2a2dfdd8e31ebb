package dev.tributary.sample.pos.inventory;

import dev.tributary.sample.pos.inventory.InventoryCommands.AdjustCount;
import dev.tributary.sample.pos.inventory.InventoryCommands.ConfirmStockCheck;
import dev.tributary.sample.pos.inventory.InventoryCommands.DeductSale;
import dev.tributary.sample.pos.inventory.InventoryCommands.OpenShop;
import dev.tributary.sample.pos.inventory.InventoryCommands.ReceiveDelivery;
import dev.tributary.sample.pos.inventory.InventoryCommands.ReportStock;
import dev.tributary.sample.pos.inventory.InventoryCommands.RestockReturn;
import dev.tributary.sample.pos.inventory.InventoryCommands.ReverseSale;
import dev.tributary.sample.pos.inventory.InventoryCommands.TransferIn;
import dev.tributary.sample.pos.inventory.InventoryCommands.TransferOut;
import dev.tributary.sample.pos.inventory.InventoryEvents.DeliveryReceived;
import dev.tributary.sample.pos.inventory.InventoryEvents.ReturnRestocked;
import dev.tributary.sample.pos.inventory.InventoryEvents.SaleDeducted;
import dev.tributary.sample.pos.inventory.InventoryEvents.SaleReversed;
import dev.tributary.sample.pos.inventory.InventoryEvents.ShopOpened;
import dev.tributary.sample.pos.inventory.InventoryEvents.StockCheckConfirmed;
import dev.tributary.sample.pos.inventory.InventoryEvents.StockCounted;
import dev.tributary.sample.pos.inventory.InventoryEvents.StockShortage;
import dev.tributary.sample.pos.inventory.InventoryEvents.StockTransferredIn;
import dev.tributary.sample.pos.inventory.InventoryEvents.StockTransferredOut;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * One shop's stock on hand, item by item: the only writer of that stock. All commands for a shop go to its
 * partition's single writer, so they never run concurrently and no lock is taken.
 *
 * <p>Sales are facts and are never refused: a sale that drives an item below zero raises {@link StockShortage}.
 * Commands derived from facts carry their {@link SourcePosition}; one at or before the last position applied for
 * its source partition is a repeat and changes nothing.
 */
public class ShopInventory {

    @AggregateIdentifier
    private String shopId;
    private final Map<String, Long> onHand = new HashMap<>();
    private final Map<String, Long> lastAppliedOffsets = new HashMap<>();

    /** For event sourcing. */
    protected ShopInventory() {
    }

    @CommandHandler
    public ShopInventory(OpenShop command) {
        Map<String, OpeningStock> byItem = new HashMap<>();
        for (OpeningStock item : command.items()) {
            if (byItem.putIfAbsent(item.itemId(), item) != null) {
                throw new IllegalArgumentException("shop " + command.shopId() + " lists item " + item.itemId()
                        + " twice in its opening stock");
            }
        }
        apply(new ShopOpened(command.shopId(), command.items()));
    }

    @CommandHandler
    public void handle(ReceiveDelivery command) {
        apply(new DeliveryReceived(shopId, command.deliveryId(), command.lines()));
    }

    @CommandHandler
    public void handle(TransferOut command) {
        long available = onHand(command.itemId());
        if (available < command.quantity()) {
            throw new InsufficientStockException(shopId, command.toShopId(), command.itemId(), available,
                    command.quantity());
        }
        apply(new StockTransferredOut(shopId, command.transferId(), command.toShopId(), command.itemId(),
                command.quantity()));
    }

    @CommandHandler
    public void handle(TransferIn command) {
        if (isRepeat(command.source())) {
            return;
        }
        apply(new StockTransferredIn(shopId, command.transferId(), command.fromShopId(), command.itemId(),
                command.quantity(), command.source()));
    }

    /** @return the adjustment booked: counted minus expected units */
    @CommandHandler
    public long handle(AdjustCount command) {
        long current = onHand(command.itemId());
        if (current != command.expectedOnHand()) {
            throw new StockMovedDuringCountException(shopId, command.itemId(), command.countId(),
                    command.expectedOnHand(), current);
        }
        StockCounted counted = new StockCounted(shopId, command.countId(), command.itemId(),
                command.expectedOnHand(), command.countedQuantity());
        apply(counted);
        return counted.adjustment();
    }

    @CommandHandler
    public void handle(DeductSale command) {
        if (isRepeat(command.source())) {
            return;
        }
        apply(new SaleDeducted(shopId, command.receiptId(), command.tillId(), command.lines(), command.source(),
                command.saleRecordedAt()));
        for (StockLine line : command.lines()) {
            long after = onHand(line.itemId());
            if (after < 0) {
                apply(new StockShortage(shopId, line.itemId(), after, Math.min(line.quantity(), -after),
                        command.receiptId()));
            }
        }
    }

    @CommandHandler
    public void handle(ReverseSale command) {
        if (isRepeat(command.source())) {
            return;
        }
        apply(new SaleReversed(shopId, command.voidId(), command.voidedReceiptId(), command.lines(),
                command.source()));
    }

    @CommandHandler
    public void handle(RestockReturn command) {
        if (isRepeat(command.source())) {
            return;
        }
        apply(new ReturnRestocked(shopId, command.returnId(), command.originalReceiptId(), command.lines(),
                command.source()));
    }

    @CommandHandler
    public void handle(ConfirmStockCheck command) {
        if (isRepeat(command.source())) {
            return;
        }
        apply(new StockCheckConfirmed(shopId, command.checkId(), command.source()));
    }

    @CommandHandler
    public StockReport handle(ReportStock command) {
        return new StockReport(shopId, onHand);
    }

    @EventSourcingHandler
    void on(ShopOpened event) {
        shopId = event.shopId();
        event.items().forEach(item -> onHand.put(item.itemId(), item.quantity()));
    }

    @EventSourcingHandler
    void on(DeliveryReceived event) {
        add(event.lines(), 1);
    }

    @EventSourcingHandler
    void on(StockTransferredOut event) {
        onHand.merge(event.itemId(), -event.quantity(), Long::sum);
    }

    @EventSourcingHandler
    void on(StockTransferredIn event) {
        applied(event.source());
        onHand.merge(event.itemId(), event.quantity(), Long::sum);
    }

    @EventSourcingHandler
    void on(StockCounted event) {
        onHand.merge(event.itemId(), event.adjustment(), Long::sum);
    }

    @EventSourcingHandler
    void on(SaleDeducted event) {
        applied(event.source());
        add(event.lines(), -1);
    }

    @EventSourcingHandler
    void on(SaleReversed event) {
        applied(event.source());
        add(event.lines(), 1);
    }

    @EventSourcingHandler
    void on(ReturnRestocked event) {
        applied(event.source());
        add(event.lines(), 1);
    }

    @EventSourcingHandler
    void on(StockCheckConfirmed event) {
        applied(event.source());
    }

    private long onHand(String itemId) {
        return onHand.getOrDefault(itemId, 0L);
    }

    private void add(List<StockLine> lines, int sign) {
        lines.forEach(line -> onHand.merge(line.itemId(), sign * line.quantity(), Long::sum));
    }

    private boolean isRepeat(SourcePosition source) {
        Long last = lastAppliedOffsets.get(source.partitionKey());
        return last != null && source.offset() <= last;
    }

    private void applied(SourcePosition source) {
        lastAppliedOffsets.merge(source.partitionKey(), source.offset(), Math::max);
    }
}
