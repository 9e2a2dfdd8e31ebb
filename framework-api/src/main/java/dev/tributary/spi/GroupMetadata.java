package dev.tributary.spi;

/**
 * A snapshot of a member's view of its group, handed to {@link LogTransaction#commitOffsets} so that the log
 * can refuse the commit if the member was fenced by a rebalance since (Kafka's {@code ConsumerGroupMetadata}).
 *
 * @param group      the group's id
 * @param generation the group's generation when this member last synchronised; a later generation fences it
 * @param memberId   the member's id
 */
public record GroupMetadata(String group, int generation, String memberId) {
}
