package dev.tributary.sample.pos.verify;

import java.util.List;

/**
 * The outcome of a verification: how much was checked and every disagreement found (the first few spelled out).
 *
 * @param stockLines      shop and item pairs compared between ledger, read model and aggregate
 * @param stockMismatches how many of them disagreed
 * @param shopsSales      shops whose sold, voided and returned units were compared with the daily sales
 * @param salesMismatches how many of them disagreed
 * @param alertMismatches stock rows whose low-stock or shortage listing is wrong
 * @param lowStock        items listed as low on stock
 * @param shortages       items listed as short (below zero)
 * @param totals          units moved over the whole world, by kind, for the summary
 * @param examples        the first disagreements, each naming shop, item and the three figures
 */
public record VerificationReport(long stockLines, long stockMismatches, long shopsSales, long salesMismatches,
                                 long alertMismatches, long lowStock, long shortages, Totals totals,
                                 List<String> examples) {

    public VerificationReport {
        examples = List.copyOf(examples);
    }

    /** Units moved over the whole world, by kind, as the ledger booked them. */
    public record Totals(long opening, long received, long sold, long voided, long returned, long transferredIn,
                         long transferredOut, long adjusted, long onHand) {
    }

    public boolean ok() {
        return stockMismatches == 0 && salesMismatches == 0 && alertMismatches == 0;
    }

    public String render() {
        StringBuilder text = new StringBuilder();
        text.append(String.format("Verification %s%n", ok() ? "PASSED" : "FAILED"));
        text.append(String.format("  stock        %,d shop×item lines: ledger = read model = aggregate %s%n", stockLines,
                stockMismatches == 0 ? "for every line" : "FAILED for " + stockMismatches));
        text.append(String.format("               on hand %,d = opening %,d + received %,d − sold %,d + voided %,d"
                        + " + returned %,d + transferred in %,d − transferred out %,d %s adjusted %,d%n",
                totals.onHand, totals.opening, totals.received, totals.sold, totals.voided, totals.returned,
                totals.transferredIn, totals.transferredOut, totals.adjusted < 0 ? "−" : "+", Math.abs(totals.adjusted)));
        text.append(String.format("  daily sales  %,d shops: units sold, voided, returned match the ledger %s%n",
                shopsSales, salesMismatches == 0 ? "for every shop" : "FAILED for " + salesMismatches));
        text.append(String.format("  alerts       %,d low-stock, %,d shortages: consistent with stock %s%n", lowStock,
                shortages, alertMismatches == 0 ? "for every line" : "FAILED for " + alertMismatches));
        examples.forEach(example -> text.append("    ").append(example).append(System.lineSeparator()));
        return text.toString();
    }

    @Override
    public String toString() {
        return render();
    }
}
