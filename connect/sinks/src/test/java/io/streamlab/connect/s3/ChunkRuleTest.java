package io.streamlab.connect.s3;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlab.connect.common.Template;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class ChunkRuleTest {
    private static final ChunkRule RULE = new ChunkRule(
            new ObjectNamer(Template.parse("k", S3SinkConfig.DEFAULT_TEMPLATE), ZoneId.of("UTC"), ""), 3, 10_000);
    private static final Chunk OPEN = new Chunk("topics/web_logs/year=2025/month=01/day=01/hour=10/"
            + "web_logs+0+00000000000000000000.jsonl", line(0, "web_logs", "10:59:40"));

    private static Line line(long offset, String topic, String time) {
        return new Line(offset, Instant.parse("2025-01-01T" + time + "Z").toEpochMilli(), topic, new byte[0]);
    }

    @Test
    void aRecordJoinsWithinTheIntervalOfTheFirstRecordAndItsHour() {
        assertTrue(RULE.continues(OPEN, line(1, "web_logs", "10:59:49.999"), 0));
        assertTrue(RULE.continues(OPEN, line(1, "web_logs", "10:59:30"), 0), "a late record of the same hour");
    }

    @Test
    void aRecordStartsANewObjectAfterTheIntervalInAnotherHourOrUnderAnotherTopic() {
        assertFalse(RULE.continues(OPEN, line(1, "web_logs", "10:59:50"), 0));
        Chunk nearTheHour = new Chunk(OPEN.key(), line(0, "web_logs", "10:59:55"));
        assertFalse(RULE.continues(nearTheHour, line(1, "web_logs", "11:00:00"), 0));
        assertFalse(RULE.continues(OPEN, line(1, "clicks", "10:59:41"), 0));
    }

    @Test
    void anObjectIsFullAtFileMaxRecords() {
        Chunk chunk = new Chunk(OPEN.key(), line(0, "web_logs", "10:59:40"));
        chunk.add(line(1, "web_logs", "10:59:41"));
        assertFalse(RULE.isFull(chunk));
        chunk.add(line(2, "web_logs", "10:59:42"));
        assertTrue(RULE.isFull(chunk));
    }
}
