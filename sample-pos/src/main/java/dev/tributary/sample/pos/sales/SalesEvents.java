package dev.tributary.sample.pos.sales;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a till records: facts, published onto the sales stream under the shop's id and never refused. The till
 * does not wait for inventory; inventory follows from these events moments later.
 */
public final class SalesEvents {

    private SalesEvents() {
    }

    /** A receipt was rung up and paid. */
    public record SaleRecorded(String receiptId, String shopId, String tillId, List<SaleLine> lines,
                               Instant recordedAt) {
        public SaleRecorded {
            Objects.requireNonNull(receiptId, "receiptId");
            Objects.requireNonNull(shopId, "shopId");
            Objects.requireNonNull(tillId, "tillId");
            Objects.requireNonNull(recordedAt, "recordedAt");
            lines = requireLines(lines, receiptId);
        }

        public long units() {
            return lines.stream().mapToLong(SaleLine::quantity).sum();
        }

        public long amountCents() {
            return lines.stream().mapToLong(SaleLine::amountCents).sum();
        }
    }

    /** An earlier receipt of the same till was voided in full: its goods never left the shop. */
    public record SaleVoided(String voidId, String shopId, String tillId, String voidedReceiptId,
                             List<SaleLine> lines, Instant voidedAt) {
        public SaleVoided {
            Objects.requireNonNull(voidId, "voidId");
            Objects.requireNonNull(shopId, "shopId");
            Objects.requireNonNull(tillId, "tillId");
            Objects.requireNonNull(voidedReceiptId, "voidedReceiptId");
            Objects.requireNonNull(voidedAt, "voidedAt");
            lines = requireLines(lines, voidId);
        }

        public long units() {
            return lines.stream().mapToLong(SaleLine::quantity).sum();
        }

        public long amountCents() {
            return lines.stream().mapToLong(SaleLine::amountCents).sum();
        }
    }

    /** A customer brought goods back to a till and was refunded; the goods go back on the shelf. */
    public record ItemsReturned(String returnId, String shopId, String tillId, String originalReceiptId,
                                List<SaleLine> lines, Instant returnedAt) {
        public ItemsReturned {
            Objects.requireNonNull(returnId, "returnId");
            Objects.requireNonNull(shopId, "shopId");
            Objects.requireNonNull(tillId, "tillId");
            Objects.requireNonNull(originalReceiptId, "originalReceiptId");
            Objects.requireNonNull(returnedAt, "returnedAt");
            lines = requireLines(lines, returnId);
        }

        public long units() {
            return lines.stream().mapToLong(SaleLine::quantity).sum();
        }

        public long amountCents() {
            return lines.stream().mapToLong(SaleLine::amountCents).sum();
        }
    }

    /**
     * A manager asked for a stock check of the shop: every fact the tills recorded before it must be in the stock
     * figures the check reports. Inventory confirms it once it has applied all of them.
     */
    public record StockCheckRequested(String checkId, String shopId, Instant requestedAt) {
        public StockCheckRequested {
            Objects.requireNonNull(checkId, "checkId");
            Objects.requireNonNull(shopId, "shopId");
            Objects.requireNonNull(requestedAt, "requestedAt");
        }
    }

    private static List<SaleLine> requireLines(List<SaleLine> lines, String id) {
        Objects.requireNonNull(lines, "lines");
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(id + " has no lines");
        }
        return List.copyOf(lines);
    }
}
