package dev.tributary.bench;

import java.util.Arrays;

/**
 * Mean and spread of one figure measured over several iterations.
 *
 * @param count  how many iterations
 * @param mean   their mean
 * @param stdev  their sample standard deviation (0 for a single iteration)
 * @param min    the lowest
 * @param max    the highest
 */
public record Summary(int count, double mean, double stdev, double min, double max) {

    public static Summary of(double... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("a summary needs at least one value");
        }
        double mean = Arrays.stream(values).average().orElseThrow();
        double squares = Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum();
        double stdev = values.length > 1 ? Math.sqrt(squares / (values.length - 1)) : 0;
        return new Summary(values.length, mean, stdev,
                Arrays.stream(values).min().orElseThrow(), Arrays.stream(values).max().orElseThrow());
    }

    /** For example {@code 41,200 ± 850 commands/s (min 40,100, max 42,000; 5 iterations)}. */
    public String format(String unit) {
        return String.format("%,.0f ± %,.0f %s (min %,.0f, max %,.0f; %d iteration%s)", mean, stdev, unit, min, max,
                count, count == 1 ? "" : "s");
    }
}
