package io.streamlab.connect.opensearch;

import io.streamlab.connect.common.ErrantRecords;
import io.streamlab.connect.common.JsonValues;
import io.streamlab.connect.common.Version;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;

/**
 * Indexes every {@link #put} batch with {@code _bulk} before returning, so the worker's default
 * offset commit is exact. Tombstones (null values) are skipped: documents are keyed by offset,
 * so there is nothing for them to delete.
 */
public class OpenSearchSinkTask extends SinkTask {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final Function<OpenSearchSinkConfig, BulkTransport> transports;
    private final BulkWriter.Sleeper sleeper;
    private DocFactory docs;
    private BulkWriter writer;
    private ReportOnce errant;
    private int batchSize;
    private long retryBackoffMs;

    /** The worker's constructor: talks to OpenSearch over HTTP. */
    public OpenSearchSinkTask() {
        this(config -> new OpenSearchHttp(config, REQUEST_TIMEOUT), Thread::sleep);
    }

    OpenSearchSinkTask(Function<OpenSearchSinkConfig, BulkTransport> transports, BulkWriter.Sleeper sleeper) {
        this.transports = transports;
        this.sleeper = sleeper;
    }

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        OpenSearchSinkConfig config = new OpenSearchSinkConfig(props);
        JsonValues json = new JsonValues();
        errant = new ReportOnce(ErrantRecords.of(context));
        docs = new DocFactory(config.indexName(), json, Clock.systemUTC());
        writer = new BulkWriter(transports.apply(config), json, errant, config.maxRetries(),
                config.retryBackoffMs(), sleeper);
        batchSize = config.batchSize();
        retryBackoffMs = config.retryBackoffMs();
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        List<Doc> batch = new ArrayList<>();
        for (SinkRecord record : records) {
            if (record.value() == null) {
                continue;
            }
            try {
                batch.add(docs.create(record));
            } catch (DataException e) {
                errant.report(record, e);
            }
        }
        try {
            for (int from = 0; from < batch.size(); from += batchSize) {
                writer.write(batch.subList(from, Math.min(from + batchSize, batch.size())));
            }
        } catch (RetriableException e) {
            // The worker hands the same batch back after this pause: same ids, so no duplicate
            // documents, and ReportOnce keeps its bad records from reaching the DLQ twice.
            context.timeout(retryBackoffMs);
            throw e;
        }
        errant.batchDone();
    }

    @Override
    public void stop() {
        // HttpClient holds no resources that need closing on Java 17.
    }
}
