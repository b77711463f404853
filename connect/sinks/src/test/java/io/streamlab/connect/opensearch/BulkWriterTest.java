package io.streamlab.connect.opensearch;

import static io.streamlab.connect.common.Records.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlab.connect.common.ErrantRecords;
import io.streamlab.connect.common.FakeSinkTaskContext;
import io.streamlab.connect.common.JsonValues;
import io.streamlab.connect.common.Template;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.errors.RetriableException;
import org.junit.jupiter.api.Test;

class BulkWriterTest {
    private final FakeSinkTaskContext context = new FakeSinkTaskContext(true);
    private final List<Long> sleeps = new ArrayList<>();
    private final List<Doc> docs = docs(3);

    private static List<Doc> docs(int count) {
        DocFactory factory = new DocFactory(Template.parse("i", "{{topic}}"), new JsonValues(), Clock.systemUTC());
        List<Doc> docs = new ArrayList<>();
        for (int offset = 0; offset < count; offset++) {
            docs.add(factory.create(record("web_logs", 0, offset, Map.of("n", offset))));
        }
        return docs;
    }

    private BulkWriter writer(BulkTransport transport) {
        return new BulkWriter(transport, new JsonValues(), new ReportOnce(ErrantRecords.of(context)), 3, 100,
                sleeps::add);
    }

    @Test
    void sendsIndexActionsWithOffsetIds() {
        ScriptedTransport transport = new ScriptedTransport().answer(200, ScriptedTransport.items(201, 201, 201));
        writer(transport).write(docs);
        String first = transport.bodies.get(0).split("\n")[0];
        assertEquals("{\"index\":{\"_index\":\"web_logs\",\"_id\":\"web_logs+0+0\"}}", first);
        assertEquals(6, transport.bodies.get(0).split("\n").length);
    }

    @Test
    void rejectedDocumentsGoToTheReporterAndBusyOnesAreRetried() {
        ScriptedTransport transport = new ScriptedTransport()
                .answer(200, ScriptedTransport.items(201, 400, 429))
                .answer(200, ScriptedTransport.items(201));
        writer(transport).write(docs);
        assertEquals(List.of(docs.get(1).record()), context.reported);
        assertEquals(2, transport.bodies.size());
        assertTrue(transport.bodies.get(1).contains("web_logs+0+2"));
        assertEquals(List.of(100L), sleeps);
    }

    @Test
    void aServerThatStaysAwayEndsInARetriableExceptionAfterDoublingBackoff() {
        ScriptedTransport transport = new ScriptedTransport().refuse().answer(503, "busy");
        RetriableException e = assertThrows(RetriableException.class, () -> writer(transport).write(docs));
        assertTrue(e.getMessage().contains("after 3 retries"), e.getMessage());
        assertEquals(List.of(100L, 200L, 400L), sleeps);
        assertEquals(4, transport.bodies.size());
    }

    @Test
    void aRefusedRequestFailsTheTask() {
        ScriptedTransport transport = new ScriptedTransport().answer(401, "{\"error\":\"unauthorized\"}");
        assertThrows(org.apache.kafka.connect.errors.ConnectException.class, () -> writer(transport).write(docs));
        assertEquals(List.of(), sleeps);
    }
}
