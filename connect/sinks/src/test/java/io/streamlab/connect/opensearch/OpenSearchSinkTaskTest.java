package io.streamlab.connect.opensearch;

import static io.streamlab.connect.common.Records.record;
import static io.streamlab.connect.opensearch.ScriptedTransport.items;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.streamlab.connect.common.FakeSinkTaskContext;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class OpenSearchSinkTaskTest {
    private final FakeSinkTaskContext context = new FakeSinkTaskContext(true);
    private final ScriptedTransport transport = new ScriptedTransport();

    private OpenSearchSinkTask task() {
        OpenSearchSinkTask task = new OpenSearchSinkTask(config -> transport, millis -> { });
        task.initialize(context);
        task.start(Map.of(OpenSearchSinkConfig.URL, "http://localhost:9200", OpenSearchSinkConfig.MAX_RETRIES, "1"));
        return task;
    }

    @Test
    void aBadRecordIsReportedOnceWhenItsBatchIsRetried() {
        SinkRecord good = record("web_logs", 0, 0, Map.of("n", 0));
        SinkRecord rejected = record("web_logs", 0, 1, Map.of("n", "not a number"));
        SinkRecord notAnObject = record("web_logs", 0, 2, List.of(2));
        SinkRecord busy = record("web_logs", 0, 3, Map.of("n", 3));
        List<SinkRecord> batch = List.of(good, rejected, notAnObject, busy);
        transport.answer(200, items(201, 400, 429)).answer(200, items(429)) // retries run out
                .answer(200, items(200, 400, 201)); // the worker's second delivery of the batch
        OpenSearchSinkTask task = task();

        assertThrows(RetriableException.class, () -> task.put(batch));
        task.put(batch);

        assertEquals(List.of(2L, 1L), context.reported.stream().map(SinkRecord::kafkaOffset).toList(),
                "offsets sent to the errant record reporter");
        assertEquals(3, transport.bodies.size());
    }
}
