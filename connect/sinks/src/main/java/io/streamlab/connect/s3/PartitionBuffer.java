package io.streamlab.connect.s3;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The records of one topic partition whose objects are not final in S3 yet: closed chunks waiting
 * for their upload, then the open chunk, which takes records until {@link ChunkRule} closes it.
 *
 * <p>Only the start of the first unfinished chunk is ever committed, so a replay after a crash
 * starts where a chunk starts, and the rule, a function of the records, cuts the same chunks again.
 */
final class PartitionBuffer {
    private final int partition;
    private final ChunkRule rule;
    private final Deque<Chunk> closed = new ArrayDeque<>();
    private Chunk open;
    /** The offset after the last record seen; -1 before the first. */
    private long nextOffset = -1;

    PartitionBuffer(int partition, ChunkRule rule) {
        this.partition = partition;
        this.rule = rule;
    }

    /**
     * False for a record seen already: after put() throws a RetriableException the worker delivers
     * the same batch again, and those records must not be buffered twice.
     */
    boolean isNew(long offset) {
        return offset >= nextOffset;
    }

    /** Adds the next record; a DataException (it cannot be named) leaves the buffer as it was. */
    void add(Line line) {
        String ownKey = rule.keyStartingAt(line, partition);
        if (open != null && !rule.continues(open, line, partition)) {
            closeOpen();
        }
        if (open == null) {
            open = new Chunk(ownKey, line);
        } else {
            open.add(line);
        }
        nextOffset = line.offset() + 1;
        if (rule.isFull(open)) {
            closeOpen();
        }
    }

    /** Marks a record as done without storing it (it went to the errant record reporter). */
    void skip(long offset) {
        nextOffset = offset + 1;
    }

    /** The oldest closed chunk not yet dropped, or null. */
    Chunk oldestClosed() {
        return closed.peekFirst();
    }

    /** Drops the oldest closed chunk once S3 holds it. */
    void dropOldestClosed() {
        closed.removeFirst();
    }

    /** The closed chunks, oldest first. */
    List<Chunk> closedChunks() {
        return List.copyOf(closed);
    }

    /** Drops the closed chunks S3 holds, up to the first it does not (the committable offset stops there). */
    void dropStoredClosed() {
        while (!closed.isEmpty() && closed.peekFirst().isStored()) {
            closed.removeFirst();
        }
    }

    /** The chunk still taking records, if any. */
    Optional<Chunk> open() {
        return Optional.ofNullable(open);
    }

    /**
     * The offset up to which every object is final: the start of the oldest closed or open chunk,
     * or the offset after the last record seen when there is none. Empty before any record.
     * An open chunk is never committed past, even once uploaded: its object may still grow.
     */
    OptionalLong committableOffset() {
        if (!closed.isEmpty()) {
            return OptionalLong.of(closed.peekFirst().startOffset());
        }
        if (open != null) {
            return OptionalLong.of(open.startOffset());
        }
        return nextOffset < 0 ? OptionalLong.empty() : OptionalLong.of(nextOffset);
    }

    private void closeOpen() {
        closed.addLast(open);
        open = null;
    }
}
