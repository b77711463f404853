package io.streamlab.connect.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

class JsonValuesTest {
    private final JsonValues json = new JsonValues();

    private String text(Schema schema, Object value) {
        return new String(json.toBytes(json.toJson("t", schema, value)));
    }

    @Test
    void schemalessMapsListsAndPrimitives() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("ip", "10.0.0.1");
        value.put("status", 200L);
        value.put("tags", List.of("a", "b"));
        assertEquals("{\"ip\":\"10.0.0.1\",\"status\":200,\"tags\":[\"a\",\"b\"]}", text(null, value));
        assertEquals("[1,2]", text(null, List.of(1, 2)));
        assertEquals("true", text(null, true));
        assertEquals("null", text(null, null));
    }

    @Test
    void stringsHoldingJsonStayJsonOnOneLine() {
        assertEquals("{\"a\":1,\"b\":[true]}", text(null, "{\n  \"a\": 1,\n  \"b\": [true]\n}"));
        assertEquals("42", text(null, "42"));
    }

    @Test
    void otherStringsBecomeJsonStrings() {
        assertEquals("\"GET /index.html\"", text(null, "GET /index.html"));
        assertEquals("\"123 abc\"", text(null, "123 abc"));
        assertEquals("\"\"", text(null, ""));
        assertEquals("\"{broken\"", text(null, "{broken"));
    }

    @Test
    void structsAndDecimalsGoThroughJsonConverter() {
        Schema schema = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA)
                .field("price", Decimal.schema(2)).build();
        Struct struct = new Struct(schema).put("id", 7).put("price", new BigDecimal("3.50"));
        assertEquals("{\"id\":7,\"price\":3.50}", text(schema, struct));
    }

    @Test
    void valueNotMatchingItsSchemaIsADataException() {
        assertThrows(DataException.class, () -> json.toJson("t", Schema.INT32_SCHEMA, List.of("x")));
    }
}
