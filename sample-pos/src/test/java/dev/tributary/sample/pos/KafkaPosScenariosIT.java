package dev.tributary.sample.pos;

import dev.tributary.kafka.EmbeddedKafkaBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.time.Duration;

/**
 * The scenarios on a real Kafka broker, embedded in the test JVM and shared by all of them; a restart closes the
 * platform and its Kafka clients and reopens new ones on the same broker.
 */
class KafkaPosScenariosIT extends PosScenarios {

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.builder().build().start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Override
    LogBackend log() {
        return LogBackend.kafka(broker.bootstrapServers());
    }

    @Override
    Duration loadDuration() {
        return Duration.ofSeconds(3);
    }
}
