package dev.tributary.spi;

import java.nio.charset.StandardCharsets;

/**
 * Maps a key to a partition exactly as Kafka's default partitioner does for a keyed record:
 * {@code toPositive(murmur2(utf8(key))) % partitions}. Every backend uses it, so a key lands on the same
 * partition number on memory and on Kafka, and a Kafka producer outside Tributary agrees with both.
 */
public final class KeyPartitioner {

    private KeyPartitioner() {
    }

    public static int partitionFor(String key, int partitions) {
        if (key == null) {
            throw new IllegalArgumentException("a null key has no partition; pass the partition explicitly");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        }
        return (murmur2(key.getBytes(StandardCharsets.UTF_8)) & 0x7fffffff) % partitions;
    }

    /** Kafka's 32-bit murmur2 ({@code org.apache.kafka.common.utils.Utils.murmur2}), seed 0x9747b28c. */
    public static int murmur2(byte[] data) {
        int length = data.length;
        int seed = 0x9747b28c;
        final int m = 0x5bd1e995;
        final int r = 24;
        int h = seed ^ length;
        int length4 = length / 4;
        for (int i = 0; i < length4; i++) {
            final int i4 = i * 4;
            int k = (data[i4] & 0xff) + ((data[i4 + 1] & 0xff) << 8) + ((data[i4 + 2] & 0xff) << 16)
                    + ((data[i4 + 3] & 0xff) << 24);
            k *= m;
            k ^= k >>> r;
            k *= m;
            h *= m;
            h ^= k;
        }
        switch (length % 4) {
            case 3:
                h ^= (data[(length & ~3) + 2] & 0xff) << 16;
                // fall through: murmur2 mixes the remaining bytes cumulatively
            case 2:
                h ^= (data[(length & ~3) + 1] & 0xff) << 8;
                // fall through
            case 1:
                h ^= data[length & ~3] & 0xff;
                h *= m;
                break;
            default:
                break;
        }
        h ^= h >>> 13;
        h *= m;
        h ^= h >>> 15;
        return h;
    }
}
