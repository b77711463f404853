package io.streamlab.connect.s3;

import static io.streamlab.connect.common.Records.record;
import static io.streamlab.connect.s3.SimulatedWorker.TP;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamlab.connect.s3.SimulatedWorker.Audit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

/**
 * A task killed at any moment, and a fresh one replaying from the last committed offset, leave
 * exactly the records in the bucket: each once, under the keys a run without a crash writes.
 * The sink runs on its defaults (hour folders, 10 records per object), as connectors/s3-sink.json.
 */
class S3CrashReplayTest {
    private static final Map<String, String> DEFAULTS = Map.of(S3SinkConfig.BUCKET, "streamlab");
    private static final Audit EXACT = new Audit(0, 0);
    private static final Duration RESTART = Duration.ofMinutes(70);

    private static List<SinkRecord> log(int count, IntFunction<Instant> timeOfOffset) {
        List<SinkRecord> log = new ArrayList<>();
        for (int offset = 0; offset < count; offset++) {
            log.add(record(TP.topic(), TP.partition(), offset, Map.of("n", offset),
                    timeOfOffset.apply(offset).toEpochMilli()));
        }
        return log;
    }

    private static Instant at(String time) {
        return Instant.parse("2025-01-01T" + time + "Z");
    }

    private static SimulatedWorker worker(List<SinkRecord> log, Instant start) {
        return new SimulatedWorker(log, DEFAULTS, start);
    }

    /** Ten records a second: objects are cut by count. */
    private static List<SinkRecord> steadyLog() {
        return log(40, offset -> at("10:20:00").plusMillis(100L * offset));
    }

    @Test
    void crashBeforeTheFirstCommit() {
        SimulatedWorker worker = worker(steadyLog(), at("10:20:00"));
        worker.startTask().deliver(23).flushLosingTheCommit().deliver(10); // then the task dies
        assertEquals(0, worker.committed());
        worker.restartAndCatchUp(RESTART);
        assertEquals(EXACT, worker.audit());
    }

    @Test
    void crashBetweenAnUploadAndItsCommit() {
        SimulatedWorker worker = worker(steadyLog(), at("10:20:00"));
        worker.startTask().deliver(15).flush().deliver(12).flushLosingTheCommit().deliver(10); // dies
        worker.restartAndCatchUp(RESTART);
        assertEquals(EXACT, worker.audit());
    }

    @Test
    void crashAcrossAnHourBoundaryKeepsEveryRecordInItsOwnHour() {
        // Two records a second from 10:59:53: offsets 0-13 belong to hour 10, 14-29 to hour 11.
        SimulatedWorker worker = worker(log(30, offset -> at("10:59:53").plusMillis(500L * offset)), at("10:59:53"));
        worker.startTask().deliver(15).flushLosingTheCommit(); // dies at 10:59:53; back after 11:00
        worker.restartAndCatchUp(RESTART);
        assertEquals(EXACT, worker.audit());
        String hour10 = "topics/web_logs/year=2025/month=01/day=01/hour=10/web_logs+0+";
        String hour11 = "topics/web_logs/year=2025/month=01/day=01/hour=11/web_logs+0+";
        assertEquals(List.of(hour10 + "00000000000000000000.jsonl", hour10 + "00000000000000000010.jsonl",
                hour11 + "00000000000000000014.jsonl", hour11 + "00000000000000000024.jsonl"),
                List.copyOf(worker.store.objects.keySet()));
    }

    /** A named step of the sweep's script. */
    private record Step(String name, Consumer<SimulatedWorker> action) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static List<Step> script() {
        return List.of(
                new Step("deliver 5", w -> w.deliver(5)),
                new Step("idle 3 s", w -> w.idle(Duration.ofSeconds(3))),
                new Step("deliver 9", w -> w.deliver(9)),
                new Step("flush", SimulatedWorker::flush),
                new Step("idle 12 s", w -> w.idle(Duration.ofSeconds(12))),
                new Step("deliver 12", w -> w.deliver(12)),
                new Step("flush", SimulatedWorker::flush),
                new Step("deliver 3", w -> w.deliver(3)),
                new Step("idle 40 s", w -> w.idle(Duration.ofSeconds(40))),
                new Step("flush", SimulatedWorker::flush),
                new Step("deliver 11", w -> w.deliver(11)),
                new Step("flush", SimulatedWorker::flush),
                new Step("deliver 8", w -> w.deliver(8)),
                new Step("idle 15 s", w -> w.idle(Duration.ofSeconds(15))),
                new Step("flush", SimulatedWorker::flush));
    }

    /**
     * Record times that cut objects every way: by count, by rotate.interval.ms of record time
     * (1.5 s apart, then a 30 s gap), by the hour folder (offset 40 is 11:00:00), around a record
     * that goes to the errant record reporter (offset 33).
     */
    private static List<SinkRecord> mixedLog() {
        List<SinkRecord> log = log(60, offset -> {
            if (offset < 30) {
                return at("10:59:10").plusMillis(1_500L * offset);
            }
            return offset < 45 ? at("10:59:58").plusMillis(200L * (offset - 30))
                    : at("11:00:30").plusSeconds(offset - 45);
        });
        log.set(33, new SinkRecord(TP.topic(), TP.partition(), null, null, Schema.INT32_SCHEMA, List.of("x"), 33,
                at("10:59:58.600").toEpochMilli(), TimestampType.CREATE_TIME));
        return log;
    }

    private static SimulatedWorker referenceRun() {
        SimulatedWorker reference = worker(mixedLog(), at("10:59:12")).startTask();
        script().forEach(step -> step.action().accept(reference));
        return reference.catchUp();
    }

    /** Runs the script until the task dies (after {@code steps} steps, or in an upload), then replays. */
    private static void assertCrashLeavesTheReferenceObjects(int steps, int dieAfterUpload, boolean commitsLand,
            SimulatedWorker reference) {
        SimulatedWorker worker = worker(mixedLog(), at("10:59:12"));
        worker.store.dieAfterUpload = dieAfterUpload;
        if (!commitsLand) {
            worker.losingCommits();
        }
        worker.startTask();
        try {
            script().subList(0, steps).forEach(step -> step.action().accept(worker));
        } catch (MemoryStore.TaskDied expected) {
            // the task is gone; the worker restarts below
        }
        worker.store.dieAfterUpload = 0;
        worker.restartAndCatchUp(RESTART);
        String where = (dieAfterUpload > 0 ? "crash after upload " + dieAfterUpload
                : "crash after " + script().subList(0, steps)) + (commitsLand ? "" : ", commits lost");
        assertEquals(EXACT, worker.audit(), where);
        assertEquals(reference.store.objects, worker.store.objects, where);
    }

    @Test
    void aCrashAfterAnyStepLeavesTheObjectsOfARunWithoutCrash() {
        SimulatedWorker reference = referenceRun();
        assertEquals(EXACT, reference.audit());
        for (boolean commitsLand : new boolean[] {true, false}) {
            for (int steps = 0; steps <= script().size(); steps++) {
                assertCrashLeavesTheReferenceObjects(steps, 0, commitsLand, reference);
            }
        }
    }

    @Test
    void aCrashRightAfterAnyUploadLeavesTheObjectsOfARunWithoutCrash() {
        SimulatedWorker reference = referenceRun();
        for (boolean commitsLand : new boolean[] {true, false}) {
            for (int upload = 1; upload <= reference.store.uploads; upload++) {
                assertCrashLeavesTheReferenceObjects(script().size(), upload, commitsLand, reference);
            }
        }
    }
}
