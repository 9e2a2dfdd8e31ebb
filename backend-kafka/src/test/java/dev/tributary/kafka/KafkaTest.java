package dev.tributary.kafka;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test class that needs the shared embedded broker: it runs in the integration-test phase (tag
 * {@code kafka}, see the pom) and the broker is started before it.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Tag("kafka")
@ExtendWith(SharedKafkaBroker.class)
public @interface KafkaTest {
}
