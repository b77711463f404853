package io.streamlab.connect.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamlab.connect.common.JsonValues;
import io.streamlab.connect.common.Template;
import io.streamlab.connect.common.TemplateValues;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

/** Turns a record into a {@link Doc}: its index, its id and its JSON object. */
final class DocFactory {
    private final Template indexName;
    private final JsonValues json;
    private final Clock clock;

    DocFactory(Template indexName, JsonValues json, Clock clock) {
        this.indexName = indexName;
        this.json = json;
        this.clock = clock;
    }

    /** Throws {@link DataException} when the value is not a JSON object (OpenSearch documents are objects). */
    Doc create(SinkRecord record) {
        JsonNode value = json.toJson(record.topic(), record.valueSchema(), record.value());
        if (!value.isObject()) {
            throw new DataException("value is a JSON " + value.getNodeType().name().toLowerCase(Locale.ROOT)
                    + ", but an OpenSearch document must be a JSON object");
        }
        return new Doc(record, index(record), id(record), json.toBytes(value));
    }

    /** Index names must be lower case; the timestamp is the record's (upload time if it has none). */
    String index(SinkRecord record) {
        Long timestamp = record.timestamp();
        Instant time = timestamp == null || timestamp < 0 ? clock.instant() : Instant.ofEpochMilli(timestamp);
        TemplateValues values = new TemplateValues(record.topic(), record.kafkaPartition(),
                record.kafkaOffset(), time.atZone(ZoneOffset.UTC));
        return indexName.render(values).toLowerCase(Locale.ROOT);
    }

    static String id(SinkRecord record) {
        return record.originalTopic() + "+" + record.originalKafkaPartition() + "+" + record.originalKafkaOffset();
    }
}
