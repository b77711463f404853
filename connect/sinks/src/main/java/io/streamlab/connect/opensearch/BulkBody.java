package io.streamlab.connect.opensearch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamlab.connect.common.JsonValues;
import java.io.ByteArrayOutputStream;
import java.util.List;

/** The NDJSON body of a {@code _bulk} request: an "index" action line, then the document, per doc. */
final class BulkBody {
    private BulkBody() {
    }

    static byte[] of(List<Doc> docs, JsonValues json) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Doc doc : docs) {
            ObjectNode action = json.mapper().createObjectNode();
            action.putObject("index").put("_index", doc.index()).put("_id", doc.id());
            out.writeBytes(json.toBytes(action));
            out.write('\n');
            out.writeBytes(doc.source());
            out.write('\n');
        }
        return out.toByteArray();
    }
}
