package io.streamlab.connect.s3;

import static io.streamlab.connect.common.Records.record;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamlab.connect.common.JsonValues;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class RecordFormatterTest {
    private static String format(List<String> fields, SinkRecord record) {
        return new String(new RecordFormatter(OutputField.parse(fields), new JsonValues()).format(record));
    }

    @Test
    void valueOnlyIsTheValueItself() {
        assertEquals("{\"path\":\"/\"}", format(List.of("value"), record("t", 0, 3, Map.of("path", "/"))));
        assertEquals("{\"path\":\"/\"}", format(List.of("value"), record("t", 0, 3, "{\"path\": \"/\"}")));
    }

    @Test
    void severalFieldsMakeAnEnvelopeInConfiguredOrder() {
        SinkRecord record = record("t", 0, 3, Map.of("a", 1), 1700000000000L);
        record.headers().addString("source", "faker");
        assertEquals("{\"offset\":3,\"key\":\"k3\",\"value\":{\"a\":1},\"timestamp\":1700000000000,"
                + "\"headers\":[{\"key\":\"source\",\"value\":\"faker\"}]}",
                format(List.of("offset", "key", "value", "timestamp", "headers"), record));
    }
}
