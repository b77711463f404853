package io.streamlab.connect.opensearch;

import java.io.IOException;

/** Sends one {@code _bulk} body (an interface so the retry logic can be tested without a server). */
interface BulkTransport {
    HttpResult bulk(byte[] ndjson) throws IOException, InterruptedException;
}
