package io.streamlab.connect.opensearch;

import io.streamlab.connect.common.JsonValues;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;

/**
 * Indexes documents with {@code _bulk}, retrying what OpenSearch could not take right now
 * (no connection, 429, 5xx: the whole request or single items) with doubling backoff, and
 * sending documents it rejected for their content (mapping errors, other 4xx) to the errant
 * record reporter.
 */
final class BulkWriter {
    /** How the writer waits between retries (a no-op in tests). */
    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private static final long MAX_BACKOFF_MS = 30_000;

    private final BulkTransport transport;
    private final JsonValues json;
    private final ReportOnce errant;
    private final int maxRetries;
    private final long backoffMs;
    private final Sleeper sleeper;
    private String lastProblem = "";

    BulkWriter(BulkTransport transport, JsonValues json, ReportOnce errant, int maxRetries, long backoffMs,
            Sleeper sleeper) {
        this.transport = transport;
        this.json = json;
        this.errant = errant;
        this.maxRetries = maxRetries;
        this.backoffMs = backoffMs;
        this.sleeper = sleeper;
    }

    /** Returns when every document is indexed or reported; throws {@link RetriableException} when retries run out. */
    void write(List<Doc> docs) {
        List<Doc> pending = docs;
        for (int retry = 0; !pending.isEmpty(); retry++) {
            if (retry > 0) {
                if (retry > maxRetries) {
                    throw new RetriableException(pending.size() + " documents not indexed after " + maxRetries
                            + " retries; last problem: " + lastProblem);
                }
                pause(retry);
            }
            pending = attempt(pending);
        }
    }

    /** One {@code _bulk} call; returns the documents to send again. */
    private List<Doc> attempt(List<Doc> docs) {
        HttpResult result;
        try {
            result = transport.bulk(BulkBody.of(docs, json));
        } catch (IOException e) {
            lastProblem = "no connection (" + e + ")";
            return docs;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted while indexing", e);
        }
        if (result.status() == 429 || result.status() >= 500) {
            lastProblem = "HTTP " + result.status() + ": " + result.excerpt();
            return docs;
        }
        if (result.status() >= 300) {
            throw new ConnectException("OpenSearch refused the _bulk request with HTTP " + result.status()
                    + " (check connection.url and credentials; 413 = lower batch.size): " + result.excerpt());
        }
        return sortItems(docs, BulkItem.parse(result.body(), json.mapper()));
    }

    private List<Doc> sortItems(List<Doc> docs, List<BulkItem> items) {
        if (items.size() != docs.size()) {
            throw new ConnectException("_bulk answered " + items.size() + " items for " + docs.size() + " documents");
        }
        List<Doc> retry = new ArrayList<>();
        for (int i = 0; i < docs.size(); i++) {
            BulkItem item = items.get(i);
            Doc doc = docs.get(i);
            if (item.retriable()) {
                lastProblem = "item status " + item.status() + ": " + item.error();
                retry.add(doc);
            } else if (!item.ok()) {
                errant.report(doc.record(), new DataException("OpenSearch rejected document " + doc.id()
                        + " for index " + doc.index() + " (status " + item.status() + "): " + item.error()));
            }
        }
        return retry;
    }

    private void pause(int retry) {
        long wait = Math.min(MAX_BACKOFF_MS, backoffMs << Math.min(retry - 1, 20));
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted while waiting to retry", e);
        }
    }
}
