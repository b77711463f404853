package io.streamlab.connect.common;

import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.sink.SinkRecord;

/** Builds sink records for tests. */
public final class Records {
    private Records() {
    }

    /** A schemaless record, as JsonConverter with schemas.enable=false hands it over. */
    public static SinkRecord record(String topic, int partition, long offset, Object value, long timestamp) {
        return new SinkRecord(topic, partition, null, "k" + offset, null, value, offset, timestamp,
                TimestampType.CREATE_TIME);
    }

    /** A record with timestamp 0 (1970-01-01T00:00Z). */
    public static SinkRecord record(String topic, int partition, long offset, Object value) {
        return record(topic, partition, offset, value, 0L);
    }
}
