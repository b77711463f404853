package io.streamlab.connect.s3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.streamlab.connect.common.JsonValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

/** One of the {@code format.output.fields}: the part of a record written to the file. */
enum OutputField {
    VALUE {
        @Override
        JsonNode extract(SinkRecord record, JsonValues json) {
            return json.toJson(record.topic(), record.valueSchema(), record.value());
        }
    },
    KEY {
        @Override
        JsonNode extract(SinkRecord record, JsonValues json) {
            return json.toJson(record.topic(), record.keySchema(), record.key());
        }
    },
    OFFSET {
        @Override
        JsonNode extract(SinkRecord record, JsonValues json) {
            return LongNode.valueOf(record.originalKafkaOffset());
        }
    },
    /** Epoch milliseconds, as Aiven writes it. */
    TIMESTAMP {
        @Override
        JsonNode extract(SinkRecord record, JsonValues json) {
            return record.timestamp() == null ? NullNode.getInstance() : LongNode.valueOf(record.timestamp());
        }
    },
    /** An array of {"key": name, "value": json}: header names may repeat, so not an object. */
    HEADERS {
        @Override
        JsonNode extract(SinkRecord record, JsonValues json) {
            ArrayNode headers = JsonNodeFactory.instance.arrayNode();
            for (Header header : record.headers()) {
                headers.addObject()
                        .put("key", header.key())
                        .set("value", json.toJson(record.topic(), header.schema(), header.value()));
            }
            return headers;
        }
    };

    /** Validates {@code format.output.fields}: at least one known field, none twice. */
    static final ConfigDef.Validator VALIDATOR = (name, value) -> {
        try {
            parse((List<?>) value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, e.getMessage());
        }
    };

    /** The JSON of this field of the record. */
    abstract JsonNode extract(SinkRecord record, JsonValues json);

    /** The name used in the config and as the JSON property. */
    String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static List<OutputField> parse(List<?> names) {
        List<OutputField> fields = new ArrayList<>();
        for (Object name : names) {
            OutputField field = byName(String.valueOf(name).trim());
            if (fields.contains(field)) {
                throw new IllegalArgumentException("'" + field.jsonName() + "' is listed twice");
            }
            fields.add(field);
        }
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("list at least one of value, key, offset, timestamp, headers");
        }
        return List.copyOf(fields);
    }

    private static OutputField byName(String name) {
        for (OutputField field : values()) {
            if (field.jsonName().equalsIgnoreCase(name)) {
                return field;
            }
        }
        throw new IllegalArgumentException("unknown field '" + name + "' (use value, key, offset, timestamp, headers)");
    }
}
