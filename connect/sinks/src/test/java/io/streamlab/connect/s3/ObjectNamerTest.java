package io.streamlab.connect.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamlab.connect.common.Template;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectNamerTest {
    private static final Clock UPLOAD_TIME = Clock.fixed(Instant.parse("2025-03-04T05:06:07Z"), ZoneOffset.UTC);
    private static final Template DEFAULT = Template.parse("k", S3SinkConfig.DEFAULT_TEMPLATE);
    private static final Chunk CHUNK = new Chunk(1, List.of(
            new Line(30, Instant.parse("2024-06-01T10:00:00Z").toEpochMilli(), "web_logs", new byte[0]),
            new Line(31, Instant.parse("2024-06-01T11:00:00Z").toEpochMilli(), "web_logs", new byte[0])));

    private static ObjectNamer namer(boolean eventTime, String suffix) {
        return new ObjectNamer(DEFAULT, ZoneId.of("UTC"), eventTime, suffix, UPLOAD_TIME);
    }

    @Test
    void wallclockUsesTheUploadTime() {
        assertEquals("topics/web_logs/year=2025/month=03/day=04/hour=05/web_logs+1+00000000000000000030.jsonl",
                namer(false, "").key(CHUNK));
    }

    @Test
    void eventTimeUsesTheFirstRecordAndGzipAddsItsSuffix() {
        assertEquals("topics/web_logs/year=2024/month=06/day=01/hour=10/web_logs+1+00000000000000000030.jsonl.gz",
                namer(true, ".gz").key(CHUNK));
    }

    @Test
    void eventTimeFallsBackToUploadTimeWithoutATimestamp() {
        Chunk noTimestamp = new Chunk(1, List.of(new Line(30, null, "web_logs", new byte[0])));
        assertEquals("topics/web_logs/year=2025/month=03/day=04/hour=05/web_logs+1+00000000000000000030.jsonl",
                namer(true, "").key(noTimestamp));
    }
}
