package io.streamlab.connect.s3;

import static io.streamlab.connect.common.Records.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.streamlab.connect.common.FakeSinkTaskContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class S3SinkTaskTest {
    private static final TopicPartition TP = new TopicPartition("web_logs", 0);
    private static final Map<String, String> PROPS = Map.of(
            S3SinkConfig.BUCKET, "streamlab",
            S3SinkConfig.FILE_NAME_TEMPLATE, "{{topic}}/{{partition}}/{{start_offset}}.jsonl");

    /** An in-memory bucket that can be told to fail the next uploads. */
    private static final class MemoryStore implements ObjectStore {
        final Map<String, String> objects = new TreeMap<>();
        int failures;
        boolean bucketGone;

        @Override
        public void put(String key, byte[] body, String contentType) {
            if (bucketGone) {
                throw new ConnectException("HTTP 404");
            }
            if (failures > 0) {
                failures--;
                throw new RetriableException("store down");
            }
            objects.put(key, new String(body, StandardCharsets.UTF_8));
        }

        @Override
        public void close() {
        }
    }

    private final MemoryStore store = new MemoryStore();

    private S3SinkTask task(FakeSinkTaskContext context) {
        S3SinkTask task = new S3SinkTask(config -> store,
                Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC));
        task.initialize(context);
        task.start(PROPS);
        task.open(List.of(TP));
        return task;
    }

    private static List<SinkRecord> records(long from, long to) {
        List<SinkRecord> records = new ArrayList<>();
        for (long offset = from; offset < to; offset++) {
            records.add(record(TP.topic(), TP.partition(), offset, Map.of("n", offset)));
        }
        return records;
    }

    private static String key(long startOffset) {
        return String.format("web_logs/0/%020d.jsonl", startOffset);
    }

    private static long committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        return offsets.get(TP).offset();
    }

    private int storedLines() {
        return store.objects.values().stream().mapToInt(body -> body.split("\n").length).sum();
    }

    @Test
    void uploadsFullChunksInPutAndTheRestAtFlush() {
        S3SinkTask task = task(new FakeSinkTaskContext(true));
        task.put(records(0, 25));
        assertEquals(List.of(key(0), key(10)), List.copyOf(store.objects.keySet()));
        assertEquals("{\"n\":0}", store.objects.get(key(0)).lines().findFirst().orElseThrow());

        assertEquals(25, committed(task.preCommit(Map.of(TP, new OffsetAndMetadata(25)))));
        assertEquals(List.of(key(0), key(10), key(20)), List.copyOf(store.objects.keySet()));
        assertEquals(5, store.objects.get(key(20)).lines().count());
    }

    @Test
    void replayAfterACrashRewritesTheSameKeys() {
        S3SinkTask first = task(new FakeSinkTaskContext(true));
        first.put(records(0, 23));
        first.flush(Map.of()); // uploads 20..22, then the worker dies before committing offset 23

        S3SinkTask second = task(new FakeSinkTaskContext(true)); // resumes from the last commit: 0
        second.put(records(0, 30));
        second.preCommit(Map.of(TP, new OffsetAndMetadata(30)));

        assertEquals(List.of(key(0), key(10), key(20)), List.copyOf(store.objects.keySet()));
        assertEquals(30, storedLines());
    }

    @Test
    void commitsOnlyWhatIsStored() {
        S3SinkTask task = task(new FakeSinkTaskContext(true));
        task.put(records(0, 15));
        store.failures = 1;
        assertEquals(10, committed(task.preCommit(Map.of(TP, new OffsetAndMetadata(15)))));
        assertEquals(15, committed(task.preCommit(Map.of(TP, new OffsetAndMetadata(15)))));
    }

    @Test
    void aPermanentFailureAtFlushFailsTheNextPut() {
        S3SinkTask task = task(new FakeSinkTaskContext(true));
        task.put(records(0, 5));
        store.bucketGone = true;
        assertEquals(0, committed(task.preCommit(Map.of(TP, new OffsetAndMetadata(5)))));
        assertThrows(ConnectException.class, () -> task.put(List.of()));
    }

    @Test
    void aFailedUploadIsRetriedWithoutDuplicatingTheRedeliveredBatch() {
        FakeSinkTaskContext context = new FakeSinkTaskContext(true);
        S3SinkTask task = task(context);
        store.failures = 1;
        assertThrows(RetriableException.class, () -> task.put(records(0, 10)));
        assertEquals(5_000, context.timeout);
        task.put(records(0, 10)); // the worker hands the same batch back
        assertEquals(List.of(key(0)), List.copyOf(store.objects.keySet()));
        assertEquals(10, storedLines());
    }

    @Test
    void unwritableRecordsGoToTheReporterAndAreCommittedPast() {
        FakeSinkTaskContext context = new FakeSinkTaskContext(true);
        S3SinkTask task = task(context);
        SinkRecord bad = new SinkRecord(TP.topic(), 0, null, null, Schema.INT32_SCHEMA, List.of("x"), 3);
        List<SinkRecord> batch = new ArrayList<>(records(0, 3));
        batch.add(bad);
        task.put(batch);
        assertEquals(List.of(bad), context.reported);
        assertEquals(4, committed(task.preCommit(Map.of(TP, new OffsetAndMetadata(4)))));
        assertEquals(3, storedLines());
    }

    @Test
    void withoutAReporterABadRecordFailsTheTask() {
        S3SinkTask task = task(new FakeSinkTaskContext(false));
        SinkRecord bad = new SinkRecord(TP.topic(), 0, null, null, Schema.INT32_SCHEMA, List.of("x"), 0);
        assertThrows(DataException.class, () -> task.put(List.of(bad)));
    }

    @Test
    void closedPartitionsForgetTheirBuffer() {
        S3SinkTask task = task(new FakeSinkTaskContext(true));
        task.put(records(0, 5));
        task.close(List.of(TP));
        assertEquals(Map.of(), task.preCommit(Map.of(TP, new OffsetAndMetadata(5))));
        assertEquals(Map.of(), store.objects);
    }
}
