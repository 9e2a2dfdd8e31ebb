package dev.tributary.sample.pos;

import dev.tributary.memory.InMemoryEventLog;
import org.junit.jupiter.api.AfterEach;

import java.time.Duration;

/** The scenarios on backend-memory; a restart reopens the platform on the same in-memory log. */
class InMemoryPosScenariosTest extends PosScenarios {

    private final InMemoryEventLog log = InMemoryEventLog.create();

    @Override
    LogBackend log() {
        return LogBackend.inMemory(log);
    }

    @Override
    Duration loadDuration() {
        return Duration.ofMillis(1_500);
    }

    @AfterEach
    void closeLog() {
        log.close();
    }
}
