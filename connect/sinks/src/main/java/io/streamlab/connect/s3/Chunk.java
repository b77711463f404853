package io.streamlab.connect.s3;

import java.util.List;

/**
 * The records of one S3 object: consecutive records of one partition, at most
 * {@code file.max.records} of them.
 *
 * @param partition the Kafka partition
 * @param lines     the records, in offset order (never empty)
 */
record Chunk(int partition, List<Line> lines) {
    Chunk {
        lines = List.copyOf(lines);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a chunk holds at least one record");
        }
    }

    Line first() {
        return lines.get(0);
    }

    /** The offset after this chunk's last record: what may be committed once it is stored. */
    long nextOffset() {
        return lines.get(lines.size() - 1).offset() + 1;
    }
}
