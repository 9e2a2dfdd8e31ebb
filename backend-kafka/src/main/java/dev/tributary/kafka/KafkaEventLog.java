package dev.tributary.kafka;

import dev.tributary.api.GroupActiveException;
import dev.tributary.api.PartitionOutOfRangeException;
import dev.tributary.api.StreamConflictException;
import dev.tributary.api.StreamPartition;
import dev.tributary.api.StreamSpec;
import dev.tributary.api.TributaryException;
import dev.tributary.api.UnknownStreamException;
import dev.tributary.spi.EventLog;
import dev.tributary.spi.GroupDescription;
import dev.tributary.spi.GroupMember;
import dev.tributary.spi.LogCapabilities;
import dev.tributary.spi.LogEntry;
import dev.tributary.spi.LogRecord;
import dev.tributary.spi.RebalanceListener;
import dev.tributary.spi.TransactionalWriter;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The log on Apache Kafka: a stream is a topic, appends are Kafka transactions, every read is
 * {@code read_committed}, groups are Kafka consumer groups (classic protocol, cooperative-sticky assignment), and
 * transactional writers are transactional producers.
 *
 * <pre>{@code
 * EventLog log = KafkaEventLog.builder()
 *         .bootstrapServers("127.0.0.1:9092")
 *         .replicationFactor(3)
 *         .build();
 * }</pre>
 *
 * <p>Records keep their key (UTF-8), value, headers and timestamp, so consumers outside Tributary (a plain
 * {@code KafkaConsumer}, the Axon Kafka extension) read Tributary's streams. Kafka stores timestamps in
 * milliseconds: an entry's timestamp is its record's, truncated to the millisecond.
 *
 * <p>The contract is {@link EventLog}'s. Thread-safe.
 */
public final class KafkaEventLog implements EventLog {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaEventLog.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration VISIBILITY_TIMEOUT = Duration.ofSeconds(30);
    /** The longest pause between two checks of whether a commit is readable yet. */
    private static final Duration VISIBILITY_MAX_PAUSE = Duration.ofMillis(50);
    private static final Duration STREAM_READY_TIMEOUT = Duration.ofSeconds(30);
    /** How long offsetForTimestamp waits for more entries when the one found by timestamp was aborted. */
    private static final Duration TIMESTAMP_PROBE_WAIT = Duration.ofSeconds(1);
    /** How long the appender waits to read back a record whose commit outcome it had to settle. */
    private static final Duration SETTLE_PROBE_WAIT = Duration.ofSeconds(10);

    private final KafkaOptions options;
    /** Distinguishes this log's clients from other logs' in the same process and on the broker. */
    private final String instance = UUID.randomUUID().toString().substring(0, 8);
    private final AtomicInteger clients = new AtomicInteger();
    private final Admin admin;
    private final Map<String, Integer> partitionCounts = new ConcurrentHashMap<>();
    private final Readers readers;
    private final ExecutorService completions;
    private final Appender appender;
    private final Set<KafkaGroupMember> members = ConcurrentHashMap.newKeySet();
    private final Set<KafkaTransactionalWriter> writers = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private KafkaEventLog(KafkaOptions options) {
        this.options = options;
        this.admin = Admin.create(options.adminConfig(clientId("admin")));
        this.readers = new Readers(() -> new KafkaConsumer<>(options.readerConfig(clientId("reader"))));
        this.completions = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, options.clientIdPrefix() + "-" + instance + "-completion");
            thread.setDaemon(true);
            return thread;
        });
        this.appender = new Appender(this::newAppendProducer,
                (partition, offset) -> readers.read(partition, offset, 1, SETTLE_PROBE_WAIT),
                this::awaitVisible, completions, Appender.DEFAULT_COMMIT_RETRY,
                options.clientIdPrefix() + "-" + instance);
    }

    /** Starts configuring a log; {@link Builder#bootstrapServers} is required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void createStream(StreamSpec spec) {
        Objects.requireNonNull(spec, "spec");
        ensureOpen();
        NewTopic topic = new NewTopic(spec.name(), Optional.of(spec.partitions()), options.replicationFactor());
        try {
            await(admin.createTopics(List.of(topic)).all(), "create stream '" + spec.name() + "'");
        } catch (TopicExistsException e) {
            int existing = awaitPartitionCount(spec.name());
            if (existing != spec.partitions()) {
                throw new StreamConflictException(spec.name(), existing, spec.partitions());
            }
        }
        // The controller has the topic; wait until the broker serves every partition, so that the stream is
        // usable as soon as this returns.
        int partitions = awaitPartitionCount(spec.name());
        if (partitions != spec.partitions()) {
            throw new StreamConflictException(spec.name(), partitions, spec.partitions());
        }
    }

    @Override
    public Optional<StreamSpec> findStream(String stream) {
        Objects.requireNonNull(stream, "stream");
        ensureOpen();
        Integer cached = partitionCounts.get(stream);
        if (cached != null) {
            return Optional.of(new StreamSpec(stream, cached));
        }
        try {
            TopicDescription description = await(admin.describeTopics(List.of(stream)).allTopicNames(),
                    "describe stream '" + stream + "'").get(stream);
            int partitions = description.partitions().size();
            partitionCounts.put(stream, partitions);
            return Optional.of(new StreamSpec(stream, partitions));
        } catch (UnknownTopicOrPartitionException | InvalidTopicException e) {
            return Optional.empty();
        }
    }

    @Override
    public CompletableFuture<List<Long>> append(StreamPartition partition, List<LogRecord> records) {
        Objects.requireNonNull(records, "records");
        checkPartition(partition);
        if (records.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        return appender.append(KafkaRecords.topicPartition(partition), List.copyOf(records));
    }

    @Override
    public List<LogEntry> read(StreamPartition partition, long fromOffset, int maxEntries, Duration timeout) {
        checkPartition(partition);
        Objects.requireNonNull(timeout, "timeout");
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be >= 1, got " + maxEntries);
        }
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
        }
        return readers.read(KafkaRecords.topicPartition(partition), Math.max(0, fromOffset), maxEntries, timeout);
    }

    @Override
    public long beginningOffset(StreamPartition partition) {
        checkPartition(partition);
        return listOffset(partition, OffsetSpec.earliest());
    }

    @Override
    public long endOffset(StreamPartition partition) {
        checkPartition(partition);
        // read_committed: the last stable offset, before the first record of any open transaction.
        return listOffset(partition, OffsetSpec.latest());
    }

    @Override
    public OptionalLong offsetForTimestamp(StreamPartition partition, Instant timestamp) {
        checkPartition(partition);
        Objects.requireNonNull(timestamp, "timestamp");
        long offset = listOffset(partition, OffsetSpec.forTimestamp(timestamp.toEpochMilli()));
        if (offset < 0) {
            return OptionalLong.empty();
        }
        // Kafka answers with the record's offset even if its transaction was aborted; the log's answer is the
        // first committed entry from there.
        List<LogEntry> first = readers.read(KafkaRecords.topicPartition(partition), offset, 1, TIMESTAMP_PROBE_WAIT);
        return first.isEmpty() ? OptionalLong.empty() : OptionalLong.of(first.get(0).offset());
    }

    @Override
    public GroupMember joinGroup(String group, Set<String> streams, RebalanceListener listener) {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(listener, "listener");
        if (group.isBlank()) {
            throw new IllegalArgumentException("group must not be blank");
        }
        if (streams.isEmpty()) {
            throw new IllegalArgumentException("group '" + group + "' needs at least one stream");
        }
        streams.forEach(this::stream);
        ensureOpen();
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(options.memberConfig(group, clientId("member-" + group)));
        KafkaGroupMember[] self = new KafkaGroupMember[1];
        try {
            self[0] = new KafkaGroupMember(group, Set.copyOf(streams), consumer, listener,
                    () -> members.remove(self[0]));
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            throw e;
        }
        members.add(self[0]);
        return self[0];
    }

    @Override
    public TransactionalWriter transactionalWriter(String transactionalId) {
        Objects.requireNonNull(transactionalId, "transactionalId");
        if (transactionalId.isBlank()) {
            throw new IllegalArgumentException("transactionalId must not be blank");
        }
        ensureOpen();
        KafkaTransactionalWriter[] self = new KafkaTransactionalWriter[1];
        self[0] = new KafkaTransactionalWriter(transactionalId,
                () -> newTransactionalProducer(transactionalId, clientId("writer")), this::checkPartition,
                this::awaitVisible, () -> writers.remove(self[0]));
        writers.add(self[0]);
        return self[0];
    }

    @Override
    public Map<StreamPartition, Long> committedOffsets(String group, Set<StreamPartition> partitions) {
        Objects.requireNonNull(group, "group");
        partitions.forEach(this::checkPartition);
        if (partitions.isEmpty()) {
            return Map.of();
        }
        List<TopicPartition> tps = partitions.stream().map(KafkaRecords::topicPartition).toList();
        // requireStable: offsets committed by an open transaction are waited for, never read half-way.
        Map<TopicPartition, OffsetAndMetadata> stored = storedOffsets(group, tps);
        Map<StreamPartition, Long> result = new HashMap<>();
        stored.forEach((tp, offset) -> {
            if (offset != null) {
                result.put(KafkaRecords.streamPartition(tp), offset.offset());
            }
        });
        return result;
    }

    @Override
    public void resetCommittedOffsets(String group, Map<StreamPartition, Long> offsets) {
        Objects.requireNonNull(group, "group");
        offsets.forEach((partition, offset) -> {
            checkPartition(partition);
            if (offset == null || offset < 0) {
                throw new IllegalArgumentException("offset must be >= 0, got " + offset + " for " + partition);
            }
        });
        int live = describe(group).map(d -> d.members().size()).orElse(0);
        if (live > 0) {
            throw new GroupActiveException(group, live);
        }
        if (offsets.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> alter = new HashMap<>();
        offsets.forEach((partition, offset) -> alter.put(KafkaRecords.topicPartition(partition), new OffsetAndMetadata(offset)));
        try {
            await(admin.alterConsumerGroupOffsets(group, alter).all(), "reset the offsets of group '" + group + "'");
        } catch (GroupNotEmptyException | UnknownMemberIdException e) {
            // A member joined between the check and the change: the broker refused, nothing changed.
            throw new GroupActiveException(group, Math.max(1, describe(group).map(d -> d.members().size()).orElse(1)));
        }
    }

    @Override
    public GroupDescription describeGroup(String group) {
        Objects.requireNonNull(group, "group");
        Optional<ConsumerGroupDescription> description = describe(group);
        Map<StreamPartition, String> owners = new HashMap<>();
        description.ifPresent(d -> {
            for (MemberDescription member : d.members()) {
                for (TopicPartition tp : member.assignment().topicPartitions()) {
                    owners.put(KafkaRecords.streamPartition(tp), member.consumerId());
                }
            }
        });
        // Kafka reports the epoch of groups on the new consumer protocol only; for classic groups the generation
        // is what this log's own members of the group last saw.
        int generation = description.flatMap(ConsumerGroupDescription::groupEpoch)
                .orElseGet(() -> members.stream().filter(m -> m.group().equals(group))
                        .mapToInt(KafkaGroupMember::generation).max().orElse(0));
        return new GroupDescription(group, generation, owners);
    }

    @Override
    public LogCapabilities capabilities() {
        return new LogCapabilities(true, true);
    }

    /**
     * Finishes queued appends, closes the members and writers it handed out (a member in use by its polling thread
     * closes on that thread's next call), then its own clients. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            appender.close();
        } finally {
            for (KafkaGroupMember member : List.copyOf(members)) {
                member.closeFromLog();
            }
            for (KafkaTransactionalWriter writer : List.copyOf(writers)) {
                try {
                    writer.close();
                } catch (RuntimeException e) {
                    // the writer is gone either way; closing the log must release everything else
                }
            }
            readers.close();
            admin.close(Duration.ofSeconds(5));
            completions.shutdown();
        }
    }

    @Override
    public String toString() {
        return "KafkaEventLog[" + options.bootstrapServers() + "]";
    }

    /**
     * Waits until readers see every partition up to its given offset. A Kafka commit returns once the transaction
     * coordinator decided it; the markers that make the records readable follow moments later, and the log
     * promises visibility when an append or a commit returns. The commit is durable either way, so after
     * {@link #VISIBILITY_TIMEOUT} (a broker away) this only logs.
     */
    void awaitVisible(Map<TopicPartition, Long> lastOffsets) {
        Map<TopicPartition, Long> pending = new HashMap<>(lastOffsets);
        long deadline = System.nanoTime() + VISIBILITY_TIMEOUT.toNanos();
        ListOffsetsOptions committed = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
        // Markers usually land within a few milliseconds, so ask again soon; but a partition held back by another
        // writer's open transaction (a crashed one, until the broker aborts it) must not be asked every millisecond.
        long pauseMillis = 1;
        while (!pending.isEmpty()) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            pending.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            try {
                var ends = await(admin.listOffsets(latest, committed).all(), "check the visibility of a commit");
                pending.entrySet().removeIf(e -> ends.get(e.getKey()).offset() > e.getValue());
            } catch (TributaryException e) {
                LOG.debug("could not check the visibility of a commit yet", e);
            }
            if (!pending.isEmpty() && System.nanoTime() - deadline >= 0) {
                LOG.warn("committed records in {} are not readable after {}; the broker will publish them", pending.keySet(),
                        VISIBILITY_TIMEOUT);
                return;
            }
            if (!pending.isEmpty()) {
                sleep(Duration.ofMillis(pauseMillis));
                pauseMillis = Math.min(pauseMillis * 2, VISIBILITY_MAX_PAUSE.toMillis());
            }
        }
    }

    private long listOffset(StreamPartition partition, OffsetSpec spec) {
        TopicPartition tp = KafkaRecords.topicPartition(partition);
        return await(admin.listOffsets(Map.of(tp, spec), new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                .partitionResult(tp), "list offsets of " + partition).offset();
    }

    /** Throws {@link UnknownStreamException} or {@link PartitionOutOfRangeException} naming the bad value. */
    void checkPartition(StreamPartition partition) {
        Objects.requireNonNull(partition, "partition");
        int partitions = stream(partition.stream()).partitions();
        if (partition.partition() >= partitions) {
            throw new PartitionOutOfRangeException(partition.stream(), partition.partition(), partitions);
        }
    }

    /**
     * The group's offsets for the partitions; a partition without one maps to null. Kafka answers a partition whose
     * offset a just-committed transaction is still settling with an error, which the admin client drops: such a
     * partition is asked again until the transaction's markers are written.
     */
    private Map<TopicPartition, OffsetAndMetadata> storedOffsets(String group, List<TopicPartition> partitions) {
        long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
        while (true) {
            Map<TopicPartition, OffsetAndMetadata> stored;
            try {
                stored = await(admin.listConsumerGroupOffsets(
                                Map.of(group, new ListConsumerGroupOffsetsSpec().topicPartitions(partitions)),
                                new ListConsumerGroupOffsetsOptions().requireStable(true))
                        .partitionsToOffsetAndMetadata(group), "read the offsets of group '" + group + "'");
            } catch (GroupIdNotFoundException e) {
                return Map.of();
            }
            if (stored.keySet().containsAll(partitions)) {
                return stored;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new TributaryException("the offsets of group '" + group + "' for " + partitions
                        + " stayed unstable (an open transaction commits them) for " + ADMIN_TIMEOUT);
            }
            sleep(Duration.ofMillis(10));
        }
    }

    private Optional<ConsumerGroupDescription> describe(String group) {
        ensureOpen();
        try {
            ConsumerGroupDescription d = await(admin.describeConsumerGroups(List.of(group)).describedGroups().get(group),
                    "describe group '" + group + "'");
            return Optional.of(d);
        } catch (GroupIdNotFoundException e) {
            return Optional.empty();
        }
    }

    /** Waits until the topic is described with a leader for every partition; returns its partition count. */
    private int awaitPartitionCount(String stream) {
        long deadline = System.nanoTime() + STREAM_READY_TIMEOUT.toNanos();
        while (true) {
            try {
                TopicDescription description = await(admin.describeTopics(List.of(stream)).allTopicNames(),
                        "describe stream '" + stream + "'").get(stream);
                List<TopicPartitionInfo> partitions = description.partitions();
                if (partitions.stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                    partitionCounts.put(stream, partitions.size());
                    return partitions.size();
                }
            } catch (UnknownTopicOrPartitionException e) {
                // created moments ago: the broker's metadata has not caught up yet
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new TributaryException("stream '" + stream + "' was created but its partitions did not get a "
                        + "leader within " + STREAM_READY_TIMEOUT);
            }
            sleep(Duration.ofMillis(20));
        }
    }

    private KafkaProducer<String, byte[]> newAppendProducer(int lane) {
        // A transactional id of its own per log and lane: two processes never fence each other's appends.
        String transactionalId = options.clientIdPrefix() + "-append-" + instance + "-" + lane;
        return newTransactionalProducer(transactionalId, clientId("append-" + lane));
    }

    private KafkaProducer<String, byte[]> newTransactionalProducer(String transactionalId, String clientId) {
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(options.producerConfig(transactionalId, clientId));
        try {
            producer.initTransactions();
            return producer;
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
    }

    private String clientId(String role) {
        return instance + "-" + role + "-" + clients.incrementAndGet();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this Kafka event log is closed");
        }
    }

    /**
     * Waits for an admin result. Kafka's own exception is rethrown as it is so that callers can react to the
     * expected ones; anything unexpected surfaces with the action that failed.
     */
    private <T> T await(KafkaFuture<T> future, String action) {
        try {
            return future.get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof KafkaException kafka && isExpected(kafka)) {
                throw kafka;
            }
            throw new TributaryException("could not " + action + " on Kafka at " + options.bootstrapServers() + ": "
                    + cause.getMessage(), cause);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new TributaryException("could not " + action + " on Kafka at " + options.bootstrapServers()
                    + " within " + ADMIN_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TributaryException("interrupted while trying to " + action, e);
        }
    }

    private static boolean isExpected(KafkaException e) {
        return e instanceof TopicExistsException || e instanceof UnknownTopicOrPartitionException
                || e instanceof InvalidTopicException || e instanceof GroupIdNotFoundException
                || e instanceof GroupNotEmptyException || e instanceof UnknownMemberIdException;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TributaryException("interrupted while waiting for Kafka", e);
        }
    }

    /**
     * Options of a {@link KafkaEventLog}. Each may be set once; bad values are refused by name as they are set.
     */
    public static final class Builder {

        private static final Pattern CLIENT_ID = Pattern.compile("[a-zA-Z0-9._-]{1,100}");
        private static final Pattern SERVER = Pattern.compile("[^\\s,:]+:\\d{1,5}");

        private String bootstrapServers;
        private Short replicationFactor;
        private Duration maxPollInterval;
        private Duration sessionTimeout;
        private Duration transactionTimeout;
        private String clientIdPrefix;
        private Map<String, Object> kafkaProperties;

        private Builder() {
        }

        /** Where to reach the cluster: {@code host:port}, comma-separated if several. Required. */
        public Builder bootstrapServers(String bootstrapServers) {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            once(this.bootstrapServers, "bootstrapServers");
            for (String server : bootstrapServers.split(",", -1)) {
                if (!SERVER.matcher(server.trim()).matches()) {
                    throw new IllegalArgumentException("bootstrapServers must be host:port[,host:port...], got '"
                            + bootstrapServers + "'");
                }
            }
            this.bootstrapServers = bootstrapServers;
            return this;
        }

        /** Replicas of each stream's partitions when this log creates it; default the broker's default. */
        public Builder replicationFactor(int replicationFactor) {
            once(this.replicationFactor, "replicationFactor");
            if (replicationFactor < 1 || replicationFactor > Short.MAX_VALUE) {
                throw new IllegalArgumentException("replicationFactor must be between 1 and " + Short.MAX_VALUE
                        + ", got " + replicationFactor);
            }
            this.replicationFactor = (short) replicationFactor;
            return this;
        }

        /**
         * How long a group member may go between polls before the group gives its partitions to others (Kafka's
         * {@code max.poll.interval.ms}). Default 5 minutes.
         */
        public Builder maxPollInterval(Duration maxPollInterval) {
            once(this.maxPollInterval, "maxPollInterval");
            this.maxPollInterval = positiveMillis(maxPollInterval, "maxPollInterval");
            return this;
        }

        /**
         * How long a member's process may go silent (no heartbeats) before the group removes it (Kafka's
         * {@code session.timeout.ms}, within the broker's allowed range). Default 45 seconds.
         */
        public Builder sessionTimeout(Duration sessionTimeout) {
            once(this.sessionTimeout, "sessionTimeout");
            this.sessionTimeout = positiveMillis(sessionTimeout, "sessionTimeout");
            return this;
        }

        /**
         * How long a transaction may stay open before the broker aborts it (Kafka's {@code transaction.timeout.ms});
         * also how long a crashed writer's open transaction can hold back readers. Default 10 seconds.
         */
        public Builder transactionTimeout(Duration transactionTimeout) {
            once(this.transactionTimeout, "transactionTimeout");
            this.transactionTimeout = positiveMillis(transactionTimeout, "transactionTimeout");
            return this;
        }

        /** Starts every client id, so that the broker's logs and metrics show whose clients they are. Default "tributary". */
        public Builder clientIdPrefix(String clientIdPrefix) {
            Objects.requireNonNull(clientIdPrefix, "clientIdPrefix");
            once(this.clientIdPrefix, "clientIdPrefix");
            if (!CLIENT_ID.matcher(clientIdPrefix).matches()) {
                throw new IllegalArgumentException("clientIdPrefix must be 1 to 100 of a-z A-Z 0-9 . _ -, got '"
                        + clientIdPrefix + "'");
            }
            this.clientIdPrefix = clientIdPrefix;
            return this;
        }

        /**
         * Expert Kafka client settings (security, compression, timeouts), passed to every client this log creates.
         * Settings the log's guarantees depend on, and those with a typed option here, are refused by name.
         */
        public Builder kafkaProperties(Map<String, ?> properties) {
            Objects.requireNonNull(properties, "properties");
            once(this.kafkaProperties, "kafkaProperties");
            Map<String, Object> copy = new LinkedHashMap<>();
            properties.forEach((key, value) -> {
                if (key == null || value == null) {
                    throw new IllegalArgumentException("kafkaProperties must not contain null keys or values, got "
                            + key + "=" + value);
                }
                if (KafkaOptions.RESERVED.contains(key)) {
                    throw new IllegalArgumentException("kafkaProperties must not set '" + key
                            + "': the log sets it itself because its guarantees depend on it");
                }
                String typed = KafkaOptions.TYPED.get(key);
                if (typed != null) {
                    throw new IllegalArgumentException("kafkaProperties must not set '" + key + "': use the builder's "
                            + typed + "(..) option");
                }
                copy.put(key, value);
            });
            this.kafkaProperties = copy;
            return this;
        }

        /** {@link #kafkaProperties(Map)} from {@link Properties}. */
        public Builder kafkaProperties(Properties properties) {
            Objects.requireNonNull(properties, "properties");
            Map<String, Object> map = new LinkedHashMap<>();
            properties.stringPropertyNames().forEach(name -> map.put(name, properties.getProperty(name)));
            return kafkaProperties(map);
        }

        /**
         * The log. Connections are made lazily, so this succeeds even while the cluster is unreachable.
         *
         * @throws IllegalStateException if bootstrapServers was not set
         */
        public KafkaEventLog build() {
            if (bootstrapServers == null) {
                throw new IllegalStateException("bootstrapServers is required");
            }
            Duration session = sessionTimeout != null ? sessionTimeout : KafkaOptions.DEFAULT_SESSION_TIMEOUT;
            Duration poll = maxPollInterval != null ? maxPollInterval : KafkaOptions.DEFAULT_MAX_POLL_INTERVAL;
            return new KafkaEventLog(new KafkaOptions(bootstrapServers, Optional.ofNullable(replicationFactor),
                    poll, session,
                    transactionTimeout != null ? transactionTimeout : KafkaOptions.DEFAULT_TRANSACTION_TIMEOUT,
                    clientIdPrefix != null ? clientIdPrefix : KafkaOptions.DEFAULT_CLIENT_ID_PREFIX,
                    kafkaProperties != null ? kafkaProperties : Map.of()));
        }

        private static void once(Object current, String option) {
            if (current != null) {
                throw new IllegalStateException(option + " was already set to " + current);
            }
        }

        private static Duration positiveMillis(Duration value, String option) {
            Objects.requireNonNull(value, option);
            if (value.isNegative() || value.isZero() || value.toMillis() < 1) {
                throw new IllegalArgumentException(option + " must be at least 1 ms, got " + value);
            }
            if (value.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(option + " must be at most " + Integer.MAX_VALUE + " ms, got " + value);
            }
            return value;
        }
    }
}
