package dev.tributary.spi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * {@link KeyPartitioner} against vectors printed by kafka-clients 4.1.2 itself ({@code Utils.murmur2} and
 * {@code BuiltInPartitioner.partitionForKey}, i.e. {@code Utils.toPositive(murmur2(bytes)) % n}), so that a key
 * lands on the same partition in memory, on Kafka, and for a plain Kafka producer.
 */
class KeyPartitionerTest {

    /** Key, murmur2 of its UTF-8 bytes, and its partition for 3, 6, 12 and 100 partitions, as Kafka computes them. */
    static Stream<Arguments> kafkaVectors() {
        return Stream.of(
                arguments("", 275646681, 0, 3, 9, 81),
                arguments("a", -1563381124, 1, 4, 4, 24),
                arguments("ab", 316155434, 2, 2, 2, 34),
                arguments("abc", 479470107, 0, 3, 3, 7),
                arguments("abcd", -1323649548, 2, 2, 8, 0),
                arguments("abcde", 461995741, 1, 1, 1, 41),
                arguments("abcdef", 1870650108, 0, 0, 0, 8),
                arguments("abcdefg", -346467175, 1, 1, 1, 73),
                arguments("abcdefgh", -955427363, 0, 3, 9, 85),
                arguments("abcdefghi", -619679810, 0, 0, 6, 38),
                arguments("order-42", 501153024, 0, 0, 0, 24),
                arguments("customer:1234", 1899655070, 2, 2, 2, 70),
                arguments("aggregate-0001", 1201164653, 2, 5, 5, 53),
                arguments("\u00e9", 186971271, 0, 3, 3, 71),
                arguments("Z\u00fcrich", -1551140815, 1, 1, 1, 33),
                arguments("\u00ff\u00fe\u00fd", -827240790, 2, 2, 2, 58),
                arguments("\u65e5\u672c\u8a9e", 1431860170, 1, 4, 10, 70),
                arguments("\uD83D\uDE00", 131881617, 0, 3, 9, 17));
    }

    @ParameterizedTest(name = "murmur2(utf8(\"{0}\")) = {1}")
    @MethodSource("kafkaVectors")
    void murmur2_of_a_key_matches_kafka(String key, int murmur2, int p3, int p6, int p12, int p100) {
        assertEquals(murmur2, KeyPartitioner.murmur2(key.getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest(name = "\"{0}\" goes to {2} of 3, {3} of 6, {4} of 12, {5} of 100")
    @MethodSource("kafkaVectors")
    void a_key_goes_to_the_partition_kafkas_default_partitioner_picks(String key, int murmur2, int p3, int p6,
                                                                      int p12, int p100) {
        assertEquals(p3, KeyPartitioner.partitionFor(key, 3));
        assertEquals(p6, KeyPartitioner.partitionFor(key, 6));
        assertEquals(p12, KeyPartitioner.partitionFor(key, 12));
        assertEquals(p100, KeyPartitioner.partitionFor(key, 100));
    }

    @Test
    void murmur2_of_raw_bytes_matches_kafka_including_bytes_above_0x7f() {
        assertEquals(857690492, KeyPartitioner.murmur2(new byte[] {(byte) 0x80}));
        assertEquals(644171429, KeyPartitioner.murmur2(new byte[] {-1, -1, -1, -1}));
        assertEquals(263274959, KeyPartitioner.murmur2(new byte[] {0, 0, 0, 0, 0}));
        assertEquals(2139322793, KeyPartitioner.murmur2(new byte[] {1, 2, 3}));
        assertEquals(571205928, KeyPartitioner.murmur2(new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef,
                1, 2, 3}));
    }

    @Test
    void a_negative_hash_is_made_positive_by_clearing_the_sign_bit_not_by_negating_it() {
        int hash = KeyPartitioner.murmur2("a".getBytes(StandardCharsets.UTF_8));
        assertTrue(hash < 0);
        // Kafka's toPositive masks the sign bit; Math.abs would pick partition 4 of 7 here instead of 5.
        assertEquals(5, KeyPartitioner.partitionFor("a", 7));
        assertEquals(4, Math.abs(hash) % 7);
    }

    @Test
    void every_key_goes_to_partition_zero_of_a_single_partition_stream() {
        kafkaVectors().forEach(args -> assertEquals(0, KeyPartitioner.partitionFor((String) args.get()[0], 1)));
    }

    @Test
    void partitions_stay_in_range_for_any_key_and_count() {
        Random random = new Random(42);
        for (int i = 0; i < 2_000; i++) {
            char[] chars = new char[random.nextInt(20)];
            for (int c = 0; c < chars.length; c++) {
                chars[c] = (char) random.nextInt(0xD800);
            }
            int partitions = 1 + random.nextInt(64);
            int partition = KeyPartitioner.partitionFor(new String(chars), partitions);
            assertTrue(partition >= 0 && partition < partitions, partition + " of " + partitions);
        }
    }

    @Test
    void a_null_key_is_refused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> KeyPartitioner.partitionFor(null, 3));
        assertTrue(refused.getMessage().contains("null key"), refused.getMessage());
    }

    @Test
    void fewer_than_one_partition_is_refused_naming_the_count() {
        for (int partitions : new int[] {0, -7}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> KeyPartitioner.partitionFor("key", partitions));
            assertTrue(refused.getMessage().contains(String.valueOf(partitions)), refused.getMessage());
        }
    }
}
