package io.streamlab.connect.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * The outcome of one document in a {@code _bulk} response.
 *
 * @param status the HTTP-style status OpenSearch gave the item
 * @param error  "type: reason" when it failed, else empty
 */
record BulkItem(int status, String error) {
    boolean ok() {
        return status >= 200 && status < 300;
    }

    /** Too many requests or a server-side failure: the document itself is fine, try again. */
    boolean retriable() {
        return status == 429 || status >= 500;
    }

    /** The items of a {@code _bulk} response body, in request order. */
    static List<BulkItem> parse(byte[] body, ObjectMapper mapper) {
        JsonNode items;
        try {
            items = mapper.readTree(body).path("items");
        } catch (IOException e) {
            throw new ConnectException("unreadable _bulk response", e);
        }
        List<BulkItem> result = new ArrayList<>();
        for (JsonNode item : items) {
            // Each item is {"<action>": {...}}; the action is always "index" here.
            JsonNode outcome = item.elements().next();
            JsonNode error = outcome.path("error");
            String text = error.isMissingNode() ? "" : error.path("type").asText() + ": " + error.path("reason").asText();
            result.add(new BulkItem(outcome.path("status").asInt(), text));
        }
        return result;
    }
}
