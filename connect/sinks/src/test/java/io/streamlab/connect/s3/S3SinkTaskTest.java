package io.streamlab.connect.s3;

import static io.streamlab.connect.common.Records.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.streamlab.connect.common.FakeSinkTaskContext;
import io.streamlab.connect.common.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    private final MemoryStore store = new MemoryStore();
    private final ManualClock clock = new ManualClock(Instant.parse("2025-01-01T10:59:59Z"));

    private S3SinkTask task(FakeSinkTaskContext context) {
        return task(context, PROPS);
    }

    private S3SinkTask task(FakeSinkTaskContext context, Map<String, String> props) {
        S3SinkTask task = new S3SinkTask(config -> store, clock);
        task.initialize(context);
        task.start(props);
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
    void uploadsFullChunksInPutAndTheOpenOneAtFlushWithoutCommittingIt() {
        S3SinkTask task = task(new FakeSinkTaskContext(true));
        task.put(records(0, 25));
        assertEquals(List.of(key(0), key(10)), List.copyOf(store.objects.keySet()));
        assertEquals("{\"n\":0}", store.objects.get(key(0)).lines().findFirst().orElseThrow());

        assertEquals(20, committed(task.preCommit(Map.of(TP, new OffsetAndMetadata(25)))));
        assertEquals(List.of(key(0), key(10), key(20)), List.copyOf(store.objects.keySet()));
        assertEquals(5, store.objects.get(key(20)).lines().count());

        task.put(records(25, 30)); // the open object grows under its key, and is final at 10 records
        assertEquals(10, store.objects.get(key(20)).lines().count());
        assertEquals(30, committed(task.preCommit(Map.of(TP, new OffsetAndMetadata(30)))));
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
        store.failures = 2; // the upload in put(), then its retry at the offset flush
        assertThrows(RetriableException.class, () -> task.put(records(0, 10)));
        assertEquals(0, committed(task.preCommit(Map.of(TP, new OffsetAndMetadata(10)))));
        assertEquals(10, committed(task.preCommit(Map.of(TP, new OffsetAndMetadata(10)))));
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
        batch.addAll(records(4, 11));
        task.put(batch);
        assertEquals(List.of(bad), context.reported);
        assertEquals(11, committed(task.preCommit(Map.of(TP, new OffsetAndMetadata(11)))));
        assertEquals(10, storedLines());
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

    @Test
    void withHourFoldersARecordWithoutATimestampGoesToTheReporter() {
        FakeSinkTaskContext context = new FakeSinkTaskContext(true);
        S3SinkTask task = task(context, Map.of(S3SinkConfig.BUCKET, "streamlab"));
        SinkRecord untimed = new SinkRecord(TP.topic(), 0, null, null, null, Map.of("n", 0), 0);
        task.put(List.of(untimed));
        assertEquals(List.of(untimed), context.reported);
        assertEquals(1, committed(task.preCommit(Map.of(TP, new OffsetAndMetadata(1)))));
    }

    @Test
    void wallclockFilesRecordsByTheHourTheyArrived() {
        S3SinkTask task = task(new FakeSinkTaskContext(true), Map.of(S3SinkConfig.BUCKET, "streamlab",
                S3SinkConfig.TIMESTAMP_SOURCE, "wallclock"));
        task.put(records(0, 5)); // at 10:59:59
        task.preCommit(Map.of(TP, new OffsetAndMetadata(5)));
        clock.advance(Duration.ofSeconds(2));
        task.put(records(5, 10)); // at 11:00:01
        task.preCommit(Map.of(TP, new OffsetAndMetadata(10)));
        String hours = "topics/web_logs/year=2025/month=01/day=01/hour=";
        assertEquals(List.of(hours + "10/web_logs+0+00000000000000000000.jsonl",
                hours + "11/web_logs+0+00000000000000000005.jsonl"), List.copyOf(store.objects.keySet()));
        assertEquals(10, storedLines());
    }
}
