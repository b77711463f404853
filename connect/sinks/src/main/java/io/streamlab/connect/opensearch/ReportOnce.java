package io.streamlab.connect.opensearch;

import io.streamlab.connect.common.ErrantRecords;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * The errant record reporter, at most once per record of a batch: when put() throws a
 * RetriableException the worker hands the same batch back, and its bad records fail again.
 */
final class ReportOnce {
    private final ErrantRecords errant;
    /** Ids of the records reported since the last batch that put() finished. */
    private final Set<String> reported = new HashSet<>();

    ReportOnce(ErrantRecords errant) {
        this.errant = errant;
    }

    void report(SinkRecord record, Exception error) {
        String id = DocFactory.id(record);
        if (!reported.contains(id)) {
            errant.report(record, error);
            reported.add(id);
        }
    }

    /** put() returned: the worker moves on to new records, so this batch's ids can go. */
    void batchDone() {
        reported.clear();
    }
}
