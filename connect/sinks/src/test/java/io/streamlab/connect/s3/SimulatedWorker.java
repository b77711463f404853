package io.streamlab.connect.s3;

import io.streamlab.connect.common.FakeSinkTaskContext;
import io.streamlab.connect.common.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * The worker around the S3 sink, for one partition: its log, the group's committed offset, and
 * tasks that die at any moment. A fresh task resumes from the committed offset, as a restarted
 * worker does; the bucket and the clock outlive every task.
 */
final class SimulatedWorker {
    static final TopicPartition TP = new TopicPartition("web_logs", 0);
    /** The consumer's max.poll.records: a catching-up task gets big batches. */
    private static final int CATCH_UP_BATCH = 500;
    private static final Pattern SEQUENCE = Pattern.compile("\"n\":(\\d+)");

    /** Duplicated: extra copies of records in the bucket; missing: good records in none of its objects. */
    record Audit(int duplicated, int missing) {
    }

    final MemoryStore store = new MemoryStore();
    final ManualClock clock;
    private final List<SinkRecord> log;
    private final Map<String, String> props;
    private boolean commitsLand = true;
    private long committed;
    private long position;
    private S3SinkTask task;

    /** {@code log}: the partition's records, offset = index; good ones carry {"n": offset}. */
    SimulatedWorker(List<SinkRecord> log, Map<String, String> props, Instant start) {
        this.log = log;
        this.props = props;
        this.clock = new ManualClock(start);
    }

    /** From now on every offset commit is lost (the worker dies before it reaches Kafka). */
    SimulatedWorker losingCommits() {
        commitsLand = false;
        return this;
    }

    /** A fresh task, resuming from the committed offset; the previous one died without a word. */
    SimulatedWorker startTask() {
        task = new S3SinkTask(config -> store, clock);
        task.initialize(new FakeSinkTaskContext(true));
        task.start(props);
        task.open(List.of(TP));
        position = committed;
        return this;
    }

    /** Hands the task the next {@code count} records (fewer at the end of the log). */
    SimulatedWorker deliver(int count) {
        int to = (int) Math.min(log.size(), position + count);
        task.put(List.copyOf(log.subList((int) position, to)));
        position = to;
        return this;
    }

    /** Time passes without records; the worker's poll loop still calls put(). */
    SimulatedWorker idle(Duration duration) {
        clock.advance(duration);
        task.put(List.of());
        return this;
    }

    /** The worker's offset flush: preCommit, then the commit of what it returned (unless commits are lost). */
    SimulatedWorker flush() {
        Map<TopicPartition, OffsetAndMetadata> offsets = task.preCommit(Map.of(TP, new OffsetAndMetadata(position)));
        if (commitsLand && offsets.containsKey(TP)) {
            committed = offsets.get(TP).offset();
        }
        return this;
    }

    /** An offset flush whose commit never reaches Kafka: the worker dies in between. */
    SimulatedWorker flushLosingTheCommit() {
        boolean before = commitsLand;
        commitsLand = false;
        flush();
        commitsLand = before;
        return this;
    }

    /** The same task reads the rest of the log and flushes with a commit that lands. */
    SimulatedWorker catchUp() {
        commitsLand = true;
        while (position < log.size()) {
            deliver(CATCH_UP_BATCH);
        }
        return flush();
    }

    /** The worker comes back after {@code downtime} and a fresh task reads the rest of the log. */
    SimulatedWorker restartAndCatchUp(Duration downtime) {
        clock.advance(downtime);
        return startTask().catchUp();
    }

    long committed() {
        return committed;
    }

    Audit audit() {
        int[] copies = new int[log.size()];
        for (String body : store.objects.values()) {
            Matcher matcher = SEQUENCE.matcher(body);
            while (matcher.find()) {
                copies[Integer.parseInt(matcher.group(1))]++;
            }
        }
        int duplicated = 0;
        int missing = 0;
        for (int offset = 0; offset < copies.length; offset++) {
            duplicated += Math.max(0, copies[offset] - 1);
            missing += copies[offset] == 0 && log.get(offset).value() instanceof Map ? 1 : 0;
        }
        return new Audit(duplicated, missing);
    }
}
