package dev.tributary.bench;

/**
 * The projection benchmarks' event: a small published event whose JSON is about 100 bytes.
 *
 * @param key      the key it is published under; the read model counts events per key
 * @param sequence its number in the benchmark run, so that one event can be told from the others
 * @param note     filler that brings the JSON to about 100 bytes
 */
public record Reading(String key, long sequence, String note) {

    private static final String NOTE = "a reading of about one hundred bytes as JSON";

    public static Reading of(String key, long sequence) {
        return new Reading(key, sequence, NOTE);
    }
}
