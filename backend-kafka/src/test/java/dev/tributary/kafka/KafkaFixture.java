package dev.tributary.kafka;

import dev.tributary.conformance.ConformanceFixture;
import dev.tributary.spi.EventLog;
import dev.tributary.spi.LogCapabilities;

import java.time.Duration;
import java.util.Map;

/**
 * The Kafka backend for the conformance suites: a fresh {@link KafkaEventLog} per test on the shared embedded
 * broker, with timeouts short enough that a member which stops polling loses its partitions within seconds.
 */
final class KafkaFixture implements ConformanceFixture {

    static final KafkaFixture INSTANCE = new KafkaFixture();

    /** A member that does not poll for this long is removed from its group (max.poll.interval.ms). */
    private static final Duration MAX_POLL_INTERVAL = Duration.ofSeconds(3);
    /** Above the broker's lowered minimum; a member whose process dies is noticed after this long. */
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(3);

    private KafkaFixture() {
    }

    @Override
    public EventLog createEventLog() {
        return KafkaEventLog.builder()
                .bootstrapServers(SharedKafkaBroker.bootstrapServers())
                .maxPollInterval(MAX_POLL_INTERVAL)
                .sessionTimeout(SESSION_TIMEOUT)
                .clientIdPrefix("conformance")
                // Members learn of a rebalance from their heartbeat, and a closing member waits for its fetch that is
                // waiting on the broker: short intervals keep the suites' many rebalances and closes quick.
                .kafkaProperties(Map.of("heartbeat.interval.ms", 250, "fetch.max.wait.ms", 50))
                .build();
    }

    @Override
    public LogCapabilities declaredCapabilities() {
        // Commit and abort markers take an offset each; the broker keeps data on disk across restarts.
        return new LogCapabilities(true, true);
    }

    @Override
    public Duration memberTimeout() {
        return MAX_POLL_INTERVAL;
    }
}
