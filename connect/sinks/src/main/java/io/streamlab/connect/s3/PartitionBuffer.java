package io.streamlab.connect.s3;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The records of one topic partition that are not in S3 yet.
 *
 * <p>Chunks are cut from the front, {@code max} records at a time, so their boundaries depend only
 * on where the buffer started: after a crash the worker replays from the last committed offset,
 * which is always the start of a chunk, and the same chunks (the same keys) are written again.
 */
final class PartitionBuffer {
    private final int partition;
    private final List<Line> lines = new ArrayList<>();
    /** The offset after the last record seen; -1 before the first. */
    private long nextOffset = -1;

    PartitionBuffer(int partition) {
        this.partition = partition;
    }

    /**
     * False for a record seen already: after put() throws a RetriableException the worker delivers
     * the same batch again, and those records must not be buffered twice.
     */
    boolean isNew(long offset) {
        return offset >= nextOffset;
    }

    void add(Line line) {
        lines.add(line);
        nextOffset = line.offset() + 1;
    }

    /** Marks a record as done without storing it (it went to the errant record reporter). */
    void skip(long offset) {
        nextOffset = offset + 1;
    }

    int size() {
        return lines.size();
    }

    /** The first {@code max} buffered records (fewer if fewer are buffered). */
    Chunk peek(int max) {
        return new Chunk(partition, lines.subList(0, Math.min(max, lines.size())));
    }

    /** Drops a chunk once it is stored. */
    void remove(Chunk chunk) {
        lines.subList(0, chunk.lines().size()).clear();
    }

    /**
     * The offset up to which everything is stored (or reported): the first buffered record, or
     * the offset after the last record seen when nothing is buffered. Empty before any record.
     */
    OptionalLong committableOffset() {
        if (nextOffset < 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(lines.isEmpty() ? nextOffset : lines.get(0).offset());
    }
}
