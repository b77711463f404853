package io.streamlab.connect.s3;

import io.streamlab.connect.common.ErrantRecords;
import io.streamlab.connect.common.JsonValues;
import io.streamlab.connect.common.Version;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
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
 * Buffers records per partition and writes them to S3 as objects of at most
 * {@code file.max.records} records: as soon as a partition has that many (in {@link #put}), and
 * whatever is left at the worker's offset flush ({@link #flush}). Only offsets whose records are
 * in S3 are committed ({@link #preCommit}).
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
    private ObjectNamer namer;
    private ErrantRecords errant;
    private int maxRecords;
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
        maxRecords = config.maxRecords();
        formatter = new RecordFormatter(config.outputFields(), new JsonValues());
        encoder = new ChunkEncoder(config.jsonArray(), config.gzip());
        namer = new ObjectNamer(config.fileNameTemplate(), config.timezone(), config.eventTimestamps(),
                encoder.keySuffix(), clock);
        errant = ErrantRecords.of(context);
        store = storeFactory.apply(config);
        LOG.info("S3 sink task writing to bucket {} at {}", config.bucket(), config.location());
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        partitions.forEach(tp -> buffers.put(tp, new PartitionBuffer(tp.partition())));
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
            for (PartitionBuffer buffer : buffers.values()) {
                uploadChunks(buffer, maxRecords);
            }
        } catch (RetriableException e) {
            context.timeout(RETRY_BACKOFF_MS);
            throw e;
        }
    }

    /** Uploads everything buffered, partition by partition; a failing partition does not stop the others. */
    @Override
    public void flush(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        ConnectException failure = null;
        for (PartitionBuffer buffer : buffers.values()) {
            try {
                uploadChunks(buffer, 1);
            } catch (ConnectException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
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
        if (store != null) {
            store.close();
        }
    }

    private void accept(SinkRecord record) {
        TopicPartition tp = new TopicPartition(record.originalTopic(), record.originalKafkaPartition());
        PartitionBuffer buffer = buffers.computeIfAbsent(tp, p -> new PartitionBuffer(p.partition()));
        long offset = record.originalKafkaOffset();
        if (!buffer.isNew(offset)) {
            return;
        }
        try {
            buffer.add(new Line(offset, record.timestamp(), record.topic(), formatter.format(record)));
        } catch (DataException e) {
            buffer.skip(offset);
            errant.report(record, e);
        }
    }

    /** Uploads chunks of {@code maxRecords} from the front while at least {@code atLeast} records wait. */
    private void uploadChunks(PartitionBuffer buffer, int atLeast) {
        while (buffer.size() > 0 && buffer.size() >= atLeast) {
            Chunk chunk = buffer.peek(maxRecords);
            String key = namer.key(chunk);
            store.put(key, encoder.encode(chunk.lines()), encoder.contentType());
            buffer.remove(chunk);
            LOG.debug("Stored {} records as {}", chunk.lines().size(), key);
        }
    }
}
