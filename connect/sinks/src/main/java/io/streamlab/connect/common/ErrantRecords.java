package io.streamlab.connect.common;

import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a record the sink cannot write to the worker's errant record reporter (the dead-letter
 * topic and/or error log of {@code errors.tolerance=all}), so that the task goes on.
 *
 * <p>Without a reporter (neither a dead-letter topic nor error logging configured) the record
 * fails the task instead, which is what {@code errors.tolerance=none} promises.
 */
public final class ErrantRecords {
    private static final Logger LOG = LoggerFactory.getLogger(ErrantRecords.class);

    private final ErrantRecordReporter reporter;

    /** Wraps a reporter; {@code null} means "fail on the first bad record". */
    public ErrantRecords(ErrantRecordReporter reporter) {
        this.reporter = reporter;
    }

    /** The reporter of the task's context. */
    public static ErrantRecords of(SinkTaskContext context) {
        return new ErrantRecords(context.errantRecordReporter());
    }

    /** Reports one record, or throws {@link DataException} when no reporter is configured. */
    public void report(SinkRecord record, Exception error) {
        String where = record.topic() + "-" + record.kafkaPartition() + "@" + record.kafkaOffset();
        if (reporter == null) {
            throw new DataException("cannot write record " + where + " (set errors.tolerance=all and "
                    + "errors.deadletterqueue.topic.name to skip such records): " + error.getMessage(), error);
        }
        LOG.warn("Sending record {} to the errant record reporter: {}", where, error.getMessage());
        reporter.report(record, error);
    }
}
