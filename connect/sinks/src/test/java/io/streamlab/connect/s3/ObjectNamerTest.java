package io.streamlab.connect.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.streamlab.connect.common.Template;
import java.time.Instant;
import java.time.ZoneId;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

class ObjectNamerTest {
    private static final Line JUNE_FIRST = new Line(31, Instant.parse("2024-06-01T10:00:00Z").toEpochMilli(),
            "web_logs", new byte[0]);
    private static final Line NO_TIME = new Line(31, null, "web_logs", new byte[0]);

    private static ObjectNamer namer(String template, String suffix) {
        return new ObjectNamer(Template.parse("k", template), ZoneId.of("UTC"), suffix);
    }

    @Test
    void foldersFollowTheRecordTimeAndGzipAddsItsSuffix() {
        assertEquals("topics/web_logs/year=2024/month=06/day=01/hour=10/web_logs+1+00000000000000000030.jsonl.gz",
                namer(S3SinkConfig.DEFAULT_TEMPLATE, ".gz").key(JUNE_FIRST, 1, 30));
    }

    @Test
    void aRecordWithoutATimestampCannotBeFiledByHour() {
        assertThrows(DataException.class, () -> namer(S3SinkConfig.DEFAULT_TEMPLATE, "").key(NO_TIME, 1, 31));
        assertEquals("web_logs/1/00000000000000000031.jsonl",
                namer("{{topic}}/{{partition}}/{{start_offset}}.jsonl", "").key(NO_TIME, 1, 31));
    }
}
