package io.streamlab.connect.opensearch;

import static io.streamlab.connect.common.Records.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.streamlab.connect.common.JsonValues;
import io.streamlab.connect.common.Template;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

class DocFactoryTest {
    private static final long JUNE_FIRST = Instant.parse("2024-06-01T23:59:59Z").toEpochMilli();
    private static final Clock NOW = Clock.fixed(Instant.parse("2025-02-03T00:00:00Z"), ZoneOffset.UTC);

    private static DocFactory factory(String indexName) {
        return new DocFactory(Template.parse("index.name", indexName), new JsonValues(), NOW);
    }

    @Test
    void dailyIndexFromTheRecordTimestampLowerCased() {
        Doc doc = factory("{{topic}}-{{timestamp:unit=yyyy.MM.dd}}")
                .create(record("Web_Logs", 2, 17, Map.of("status", 200), JUNE_FIRST));
        assertEquals("web_logs-2024.06.01", doc.index());
        assertEquals("Web_Logs+2+17", doc.id());
        assertEquals("{\"status\":200}", new String(doc.source()));
    }

    @Test
    void recordsWithoutTimestampUseTheCurrentDay() {
        Doc doc = factory("logs-{{timestamp:unit=yyyy.MM.dd}}").create(
                new org.apache.kafka.connect.sink.SinkRecord("t", 0, null, null, null, "{\"a\":1}", 5));
        assertEquals("logs-2025.02.03", doc.index());
    }

    @Test
    void onlyJsonObjectsAreDocuments() {
        DocFactory factory = factory("{{topic}}");
        assertThrows(DataException.class, () -> factory.create(record("t", 0, 1, "plain text")));
        assertThrows(DataException.class, () -> factory.create(record("t", 0, 1, List.of(1, 2))));
    }
}
