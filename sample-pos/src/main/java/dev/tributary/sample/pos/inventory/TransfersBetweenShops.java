package dev.tributary.sample.pos.inventory;

import dev.tributary.api.Emitter;
import dev.tributary.api.Event;
import dev.tributary.api.ProcessorFunction;
import dev.tributary.sample.pos.inventory.InventoryCommands.TransferIn;
import dev.tributary.sample.pos.inventory.InventoryEvents.StockTransferredOut;

/**
 * Completes transfers: every accepted transfer out of one shop becomes exactly one transfer into the receiving
 * shop, so the two halves of a transfer always pair up.
 */
public final class TransfersBetweenShops implements ProcessorFunction {

    @Override
    public void process(Event event, Emitter emitter) {
        if (event.payload() instanceof StockTransferredOut out) {
            emitter.send(new TransferIn(out.toShopId(), out.transferId(), out.shopId(), out.itemId(), out.quantity(),
                    SourcePosition.of(event)));
        }
    }
}
