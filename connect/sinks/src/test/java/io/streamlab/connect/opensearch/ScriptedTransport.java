package io.streamlab.connect.opensearch;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** An OpenSearch stand-in: plays back scripted answers and keeps the bodies it was sent. */
final class ScriptedTransport implements BulkTransport {
    final Deque<Object> answers = new ArrayDeque<>();
    final List<String> bodies = new ArrayList<>();

    ScriptedTransport answer(int status, String body) {
        answers.add(new HttpResult(status, body.getBytes(StandardCharsets.UTF_8)));
        return this;
    }

    ScriptedTransport refuse() {
        answers.add(new ConnectException("Connection refused"));
        return this;
    }

    /** A {@code _bulk} answer with one item per status; 300 and up carry a mapping error. */
    static String items(int... statuses) {
        StringBuilder out = new StringBuilder("{\"errors\":true,\"items\":[");
        for (int i = 0; i < statuses.length; i++) {
            out.append(i > 0 ? "," : "").append("{\"index\":{\"status\":").append(statuses[i]);
            if (statuses[i] >= 300) {
                out.append(",\"error\":{\"type\":\"mapper_parsing_exception\",\"reason\":\"bad field\"}");
            }
            out.append("}}");
        }
        return out.append("]}").toString();
    }

    @Override
    public HttpResult bulk(byte[] ndjson) throws IOException {
        bodies.add(new String(ndjson, StandardCharsets.UTF_8));
        Object answer = answers.isEmpty() ? new ConnectException("Connection refused") : answers.poll();
        if (answer instanceof IOException e) {
            throw e;
        }
        return (HttpResult) answer;
    }
}
