package dev.tributary.kafka;

import dev.tributary.api.GroupHandle;
import dev.tributary.api.Processor;
import dev.tributary.api.Tributary;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A processor member in a JVM of its own, for {@link ProcessorKillTest}: for every {@link Tick} on the input stream
 * it emits one {@link Tock} onto the output stream under the input's key, and runs until its process ends.
 *
 * <p>Arguments: bootstrap servers, input stream, output stream, group, marker file, and the number of outputs after
 * which it writes the marker file and then holds its transaction open on the broker, so that a SIGKILL lands there
 * (0: never).
 *
 * <p>A handler cannot hold a transaction open on the broker: the processor collects a batch's outputs and sends them
 * only after every handler of the batch returned, so a handler that blocks has sent nothing of its batch. The member
 * blocks in the producer instead ({@link OpenTransactionGate}), halfway through sending a batch's outputs, once the
 * outputs sent before were acknowledged: the broker then holds an open transaction with outputs but without the
 * consumed offsets, which are sent at commit.
 */
public final class ProcessorMemberProcess {

    /** An event of the kill test's input stream. */
    public record Tick(long seq) {
    }

    /** The processor's output for one {@link Tick}: its seq and where it was read. */
    public record Tock(long seq, int inputPartition, long inputOffset) {
    }

    private ProcessorMemberProcess() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrapServers = args[0];
        String input = args[1];
        String output = args[2];
        String group = args[3];
        Path marker = Path.of(args[4]);
        long markAfter = Long.parseLong(args[5]);

        OpenTransactionGate.arm(output, marker, markAfter);
        KafkaEventLog log = KafkaEventLog.builder()
                .bootstrapServers(bootstrapServers)
                .sessionTimeout(Duration.ofSeconds(3))
                .maxPollInterval(Duration.ofSeconds(20))
                .clientIdPrefix("processor-kill-test")
                .kafkaProperties(Map.of(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, OpenTransactionGate.class.getName()))
                .build();
        // The default instance id is random: the transactional id differs from the killed member's, so its open
        // transaction ends by the log's transaction timeout, not by fencing.
        Tributary tributary = Tributary.builder().eventLog(log).build();
        GroupHandle handle = tributary.start(Processor.named(group)
                .streams(input)
                .maxBatchSize(500)
                .handler((event, emitter) -> {
                    OpenTransactionGate.handlerCalled();
                    Tick tick = event.payload(Tick.class);
                    emitter.emit(output, event.key(), new Tock(tick.seq(), event.partition(), event.offset()));
                })
                .build());
        System.out.println("started a member of group " + handle.group());
        // Runs until the test kills the process; an orderly end (stdin closed) leaves the group cleanly.
        ChildJvm.awaitEndOfInput();
        tributary.close();
        log.close();
    }

    /**
     * Kafka client interceptor that, once {@code markAfter} outputs were sent, stops the processor's thread in the
     * middle of sending the next batch of two or more outputs: it waits until every output sent so far is
     * acknowledged, writes the marker file ({@code sent=N inTransaction=M batch=B acknowledged=A}) and sleeps. The
     * log passes its Kafka settings to all of its clients, so this is a consumer interceptor too, one that changes
     * nothing.
     */
    public static final class OpenTransactionGate
            implements ProducerInterceptor<String, byte[]>, ConsumerInterceptor<String, byte[]> {

        private static final Duration ACK_PATIENCE = Duration.ofSeconds(30);
        private static volatile String output;
        private static volatile Path marker;
        private static volatile long markAfter;
        /** Outputs sent; of the batch in flight, inputs handled and outputs sent; all by the processor's thread. */
        private static final AtomicLong sent = new AtomicLong();
        private static final AtomicLong handledInBatch = new AtomicLong();
        private static final AtomicLong sentInBatch = new AtomicLong();
        private static final AtomicLong acknowledged = new AtomicLong();

        public OpenTransactionGate() {
        }

        static void arm(String outputStream, Path markerFile, long outputs) {
            output = outputStream;
            marker = markerFile;
            markAfter = outputs;
        }

        /**
         * Called by the handler for each input. A batch's handlers all run before the first of its outputs is sent,
         * in its transaction: a handler call after sends starts the next batch.
         */
        static void handlerCalled() {
            if (sentInBatch.get() > 0) {
                sentInBatch.set(0);
                handledInBatch.set(0);
            }
            handledInBatch.incrementAndGet();
        }

        @Override
        public ProducerRecord<String, byte[]> onSend(ProducerRecord<String, byte[]> record) {
            if (!record.topic().equals(output)) {
                return record;
            }
            long batch = handledInBatch.get();
            if (markAfter > 0 && sent.get() >= markAfter && batch >= 2 && sentInBatch.get() == batch / 2) {
                holdTransactionOpen(batch);
            }
            sent.incrementAndGet();
            sentInBatch.incrementAndGet();
            return record;
        }

        private static void holdTransactionOpen(long batch) {
            long deadline = System.nanoTime() + ACK_PATIENCE.toNanos();
            try {
                while (acknowledged.get() < sent.get() && System.nanoTime() - deadline < 0) {
                    Thread.sleep(5);
                }
                // Written aside and moved into place: the test kills this process as soon as the marker exists.
                Path written = Files.writeString(marker.resolveSibling(marker.getFileName() + ".tmp"), "sent="
                        + sent.get() + " inTransaction=" + sentInBatch.get() + " batch=" + batch + " acknowledged="
                        + acknowledged.get());
                Files.move(written, marker, StandardCopyOption.ATOMIC_MOVE);
                Thread.sleep(Duration.ofMinutes(2).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
            if (exception == null && metadata != null && metadata.topic().equals(output)) {
                acknowledged.incrementAndGet();
            }
        }

        @Override
        public ConsumerRecords<String, byte[]> onConsume(ConsumerRecords<String, byte[]> records) {
            return records;
        }

        @Override
        public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        }

        @Override
        public void close() {
        }

        @Override
        public void configure(Map<String, ?> configs) {
        }
    }
}
