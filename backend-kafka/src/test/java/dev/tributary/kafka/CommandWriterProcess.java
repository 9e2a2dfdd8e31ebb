package dev.tributary.kafka;

import dev.tributary.api.StreamSpec;
import dev.tributary.api.Tributary;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * A Tributary instance that writes commands in a JVM of its own, for {@link CommandWriterKillTest}: {@value #SENDERS}
 * threads send {@link Count} commands to {@value #AGGREGATES} counters as fast as the writers acknowledge them, and
 * each acknowledged command's number is appended to a file as a line of its own, written before the next command is
 * sent, so that it survives a SIGKILL.
 *
 * <p>Arguments: bootstrap servers, aggregate stream, instance id, acknowledgement file, the first command number, and
 * the number of acknowledgements after which it stops sending, closes Tributary and exits (0: never, it runs until
 * killed). Command {@code n} goes to counter {@code counter-<n % AGGREGATES>}.
 */
public final class CommandWriterProcess {

    static final int AGGREGATES = 200;
    static final int PARTITIONS = 4;
    static final int SENDERS = 32;

    /** Counts the commands it handles; the first one creates it. */
    public static class Counter {

        @AggregateIdentifier
        private String counterId;
        private long value;

        public Counter() {
        }

        /** @return the value after this command */
        @CommandHandler
        @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
        public long handle(Count command) {
            apply(new Counted(command.counterId(), command.commandNo(), value + 1));
            return value;
        }

        @EventSourcingHandler
        void on(Counted event) {
            counterId = event.counterId();
            // Counted, not copied from the event: a rebuild that replays too few or too many events shows in the
            // value of the next event.
            value++;
        }
    }

    public record Count(@TargetAggregateIdentifier String counterId, long commandNo) {
    }

    /** {@code value} is the counter's value after the command: its number of events so far, this one included. */
    public record Counted(String counterId, long commandNo, long value) {
    }

    private CommandWriterProcess() {
    }

    private static long millisSince(long nanoTime) {
        return (System.nanoTime() - nanoTime) / 1_000_000;
    }

    static String counterOf(long commandNo) {
        return "counter-" + commandNo % AGGREGATES;
    }

    public static void main(String[] args) throws Exception {
        String bootstrapServers = args[0];
        String stream = args[1];
        String instanceId = args[2];
        String ackFile = args[3];
        long firstCommand = Long.parseLong(args[4]);
        long stopAfter = Long.parseLong(args[5]);

        long started = System.nanoTime();
        KafkaEventLog log = KafkaEventLog.builder()
                .bootstrapServers(bootstrapServers)
                .sessionTimeout(Duration.ofSeconds(3))
                .maxPollInterval(Duration.ofSeconds(20))
                .clientIdPrefix("command-kill-test")
                .build();
        Tributary tributary = Tributary.builder()
                .eventLog(log)
                .stream(StreamSpec.of(stream, PARTITIONS))
                .aggregate(Counter.class, stream)
                .instanceId(instanceId)
                .build();
        System.out.println("instance " + instanceId + " writes " + stream + " from command " + firstCommand
                + ", ready after " + millisSince(started) + " ms");
        long sending = System.nanoTime();

        AtomicLong next = new AtomicLong(firstCommand);
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        try (OutputStream acks = new FileOutputStream(ackFile, true)) {
            List<Thread> senders = new ArrayList<>();
            for (int i = 0; i < SENDERS; i++) {
                Thread sender = new Thread(() -> {
                    while (stopAfter == 0 || acknowledged.get() < stopAfter) {
                        long commandNo = next.getAndIncrement();
                        try {
                            tributary.send(new Count(counterOf(commandNo), commandNo)).get();
                        } catch (ExecutionException e) {
                            if (failed.incrementAndGet() <= 20) {
                                System.out.println("command " + commandNo + " failed: " + e.getCause());
                            }
                            continue;
                        } catch (InterruptedException e) {
                            return;
                        }
                        byte[] line = (commandNo + "\n").getBytes(StandardCharsets.US_ASCII);
                        try {
                            // One unbuffered write per line: once it returns the OS has the line, whatever kills us.
                            synchronized (acks) {
                                acks.write(line);
                            }
                        } catch (IOException e) {
                            throw new IllegalStateException("could not record the acknowledgement of " + commandNo, e);
                        }
                        acknowledged.incrementAndGet();
                    }
                }, "sender-" + i);
                sender.start();
                senders.add(sender);
            }
            for (Thread sender : senders) {
                sender.join();
            }
        }
        System.out.println("stopping after " + acknowledged.get() + " acknowledged and " + failed.get()
                + " failed command(s) in " + millisSince(sending) + " ms");
        tributary.close();
        log.close();
        System.out.println("stopped");
    }
}
