package io.streamlab.connect.s3;

/**
 * Where one object ends and the next begins, decided by the records alone, so that a task
 * replaying from the last committed offset cuts the same objects under the same keys.
 *
 * <p>A record starts a new object when the open one already holds {@code file.max.records}, when
 * its time is {@code rotate.interval.ms} or more after the open object's first record (Confluent's
 * {@code rotate.interval.ms} with the record-time extractor), or when it would get another key
 * (its time falls in another hour folder, or an SMT gave it another topic).
 */
final class ChunkRule {
    private final ObjectNamer namer;
    private final int maxRecords;
    private final long rotateIntervalMs;

    ChunkRule(ObjectNamer namer, int maxRecords, long rotateIntervalMs) {
        this.namer = namer;
        this.maxRecords = maxRecords;
        this.rotateIntervalMs = rotateIntervalMs;
    }

    /** The key of an object starting with {@code line}; a DataException when the line cannot be named. */
    String keyStartingAt(Line line, int partition) {
        return namer.key(line, partition, line.offset());
    }

    /** Whether {@code line}, the record after {@code open}'s last, belongs to {@code open}. */
    boolean continues(Chunk open, Line line, int partition) {
        return withinInterval(open.first(), line)
                && namer.key(line, partition, open.startOffset()).equals(open.key());
    }

    boolean isFull(Chunk chunk) {
        return chunk.size() >= maxRecords;
    }

    /** A record without a time never rotates by time (its template has no {@code {{timestamp}}}). */
    private boolean withinInterval(Line first, Line line) {
        if (first.timestamp() == null || line.timestamp() == null) {
            return true;
        }
        return line.timestamp() - first.timestamp() < rotateIntervalMs;
    }
}
