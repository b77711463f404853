package io.streamlab.connect.s3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamlab.connect.common.JsonValues;
import java.util.List;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Renders one record as one compact JSON document (one line of a JSON Lines file).
 *
 * <p>With {@code format.output.fields=value} the document is the value itself; with several
 * fields it is an object holding them, in the configured order.
 */
final class RecordFormatter {
    private final List<OutputField> fields;
    private final JsonValues json;

    RecordFormatter(List<OutputField> fields, JsonValues json) {
        this.fields = fields;
        this.json = json;
    }

    /** The record's JSON; throws a {@link org.apache.kafka.connect.errors.DataException} if it has none. */
    byte[] format(SinkRecord record) {
        return json.toBytes(document(record));
    }

    private JsonNode document(SinkRecord record) {
        if (fields.equals(List.of(OutputField.VALUE))) {
            return OutputField.VALUE.extract(record, json);
        }
        ObjectNode envelope = json.mapper().createObjectNode();
        for (OutputField field : fields) {
            envelope.set(field.jsonName(), field.extract(record, json));
        }
        return envelope;
    }
}
