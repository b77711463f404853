package io.streamlab.connect.s3;

import io.streamlab.connect.common.ErrantRecords;
import io.streamlab.connect.common.JsonValues;
import io.streamlab.connect.common.Version;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers records per partition and writes them to S3, one object per chunk that {@link ChunkRule}
 * cuts from the records: a closed chunk at once (in {@link #put}), the open one at every offset
 * flush of the worker ({@link #flush}), overwriting its object as it grows. Only the start of the
 * first chunk that is not final in S3 is committed ({@link #preCommit}), so a task replaying from
 * there after a crash rewrites the same keys with the same records: no duplicates, nothing lost.
 */
public class S3SinkTask extends SinkTask {
    private static final Logger LOG = LoggerFactory.getLogger(S3SinkTask.class);
    /** How long the worker waits before delivering a batch again after a failed upload. */
    private static final long RETRY_BACKOFF_MS = 5_000;

    private final Function<S3SinkConfig, ObjectStore> storeFactory;
    private final Clock clock;
    private final Map<TopicPartition, PartitionBuffer> buffers = new HashMap<>();
    private ObjectStore store;
    private RecordFormatter formatter;
    private ChunkEncoder encoder;
    private ChunkRule rule;
    private ErrantRecords errant;
    private Uploads uploads;
    private boolean eventTime;
    /** A permanent upload failure seen at offset flush, where it cannot fail the task itself. */
    private ConnectException flushFailure;

    /** The worker's constructor: uploads to S3. */
    public S3SinkTask() {
        this(S3ObjectStore::open, Clock.systemUTC());
    }

    S3SinkTask(Function<S3SinkConfig, ObjectStore> storeFactory, Clock clock) {
        this.storeFactory = storeFactory;
        this.clock = clock;
    }

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        S3SinkConfig config = new S3SinkConfig(props);
        formatter = new RecordFormatter(config.outputFields(), new JsonValues());
        encoder = new ChunkEncoder(config.jsonArray(), config.gzip());
        ObjectNamer namer = new ObjectNamer(config.fileNameTemplate(), config.timezone(), encoder.keySuffix());
        rule = new ChunkRule(namer, config.maxRecords(), config.rotateIntervalMs());
        eventTime = config.eventTimestamps();
        errant = ErrantRecords.of(context);
        store = storeFactory.apply(config);
        uploads = new Uploads(config.uploadThreads());
        LOG.info("S3 sink task writing to bucket {} at {}", config.bucket(), config.location());
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        partitions.forEach(tp -> buffers.put(tp, new PartitionBuffer(tp.partition(), rule)));
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        // Whatever is still buffered was not committed: the partition's next owner reads it again.
        partitions.forEach(buffers::remove);
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        if (flushFailure != null) {
            throw flushFailure;
        }
        for (SinkRecord record : records) {
            accept(record);
        }
        try {
            storeAll(false);
        } catch (RetriableException e) {
            context.timeout(RETRY_BACKOFF_MS);
            throw e;
        }
    }

    /**
     * The course's "or after an interval": uploads every partition's closed chunks and its open one,
     * whose object later uploads overwrite as it grows.
     */
    @Override
    public void flush(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        storeAll(true);
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        try {
            flush(currentOffsets);
        } catch (RetriableException e) {
            LOG.warn("Upload at offset flush failed; committing only what is in S3: {}", e.getMessage());
        } catch (ConnectException e) {
            // The worker only logs what preCommit throws; the next put() fails the task instead.
            LOG.error("Upload at offset flush failed for good: {}", e.getMessage());
            flushFailure = e;
        }
        Map<TopicPartition, OffsetAndMetadata> committable = new HashMap<>();
        for (TopicPartition tp : currentOffsets.keySet()) {
            PartitionBuffer buffer = buffers.get(tp);
            if (buffer != null) {
                buffer.committableOffset().ifPresent(o -> committable.put(tp, new OffsetAndMetadata(o)));
            }
        }
        return committable;
    }

    @Override
    public void stop() {
        if (uploads != null) {
            uploads.close();
        }
        if (store != null) {
            store.close();
        }
    }

    private void accept(SinkRecord record) {
        TopicPartition tp = new TopicPartition(record.originalTopic(), record.originalKafkaPartition());
        PartitionBuffer buffer = buffers.computeIfAbsent(tp, p -> new PartitionBuffer(p.partition(), rule));
        long offset = record.originalKafkaOffset();
        if (!buffer.isNew(offset)) {
            return;
        }
        try {
            buffer.add(new Line(offset, timeOf(record), record.topic(), formatter.format(record)));
        } catch (DataException e) {
            buffer.skip(offset);
            errant.report(record, e);
        }
    }

    /**
     * The time that names and rotates the record's object: its Kafka timestamp, the same on every
     * replay; with wallclock (opted into, not exactly-once) when this task received it.
     */
    private Long timeOf(SinkRecord record) {
        if (!eventTime) {
            return clock.millis();
        }
        Long timestamp = record.timestamp();
        return timestamp == null || timestamp < 0 ? null : timestamp;
    }

    /** Uploads every partition's closed chunks (and open ones too), partitions side by side; drops what S3 holds. */
    private void storeAll(boolean withOpen) {
        List<List<Chunk>> partitions = new ArrayList<>();
        for (PartitionBuffer buffer : buffers.values()) {
            List<Chunk> chunks = new ArrayList<>(buffer.closedChunks());
            if (withOpen) {
                buffer.open().ifPresent(chunks::add);
            }
            if (!chunks.isEmpty()) {
                partitions.add(chunks);
            }
        }
        try {
            uploads.each(partitions, this::store);
        } finally {
            buffers.values().forEach(PartitionBuffer::dropStoredClosed);
        }
    }

    /** Uploads a chunk's records so far under its key, unless S3 holds them all already. */
    private void store(Chunk chunk) {
        if (chunk.isStored()) {
            return;
        }
        List<Line> lines = chunk.lines();
        store.put(chunk.key(), encoder.encode(lines), encoder.contentType());
        chunk.markStored(lines.size());
        LOG.debug("Stored {} records as {}", lines.size(), chunk.key());
    }
}
