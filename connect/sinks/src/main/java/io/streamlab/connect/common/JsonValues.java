package io.streamlab.connect.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.JsonConverter;

/**
 * Turns a Connect key, value or header into JSON, whichever converter produced it.
 *
 * <p>A {@code String} that holds JSON (StringConverter carrying JSON text) is kept as that JSON;
 * any other string becomes a JSON string. Everything else (the Maps, Lists and primitives of
 * JsonConverter with {@code schemas.enable=false}, Structs, bytes) goes through the worker's own
 * JsonConverter, so the output matches what Connect itself would write.
 */
public final class JsonValues {
    // BigDecimal keeps numbers as written ("19.90" stays 19.90, not 19.9).
    private final ObjectMapper mapper = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
    private final JsonConverter converter = new JsonConverter();

    /** Schemaless JSON, decimals as numbers. */
    public JsonValues() {
        // Decimals as numbers, not base64: the files and documents are read by people and tools.
        converter.configure(Map.of("schemas.enable", "false", "decimal.format", "NUMERIC"), false);
    }

    /** The JSON form of one value; throws {@link DataException} when it has none. */
    public JsonNode toJson(String topic, Schema schema, Object value) {
        if (value == null) {
            return NullNode.getInstance();
        }
        if (value instanceof String text) {
            return parseOrText(text);
        }
        byte[] json = converter.fromConnectData(topic, schema, value);
        try {
            return mapper.readTree(json);
        } catch (IOException e) {
            throw new DataException("JsonConverter produced unreadable JSON", e);
        }
    }

    /** Compact JSON bytes (never a line break), as JSON Lines needs. */
    public byte[] toBytes(JsonNode node) {
        try {
            return mapper.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new DataException("cannot serialise JSON", e);
        }
    }

    /** The shared mapper, for building envelopes and reading responses. */
    public ObjectMapper mapper() {
        return mapper;
    }

    private JsonNode parseOrText(String text) {
        try {
            JsonNode parsed = mapper.readTree(text);
            return parsed == null || parsed.isMissingNode() ? TextNode.valueOf(text) : parsed;
        } catch (JsonProcessingException e) {
            return TextNode.valueOf(text);
        }
    }
}
