package io.streamlab.connect.s3;

import java.util.ArrayList;
import java.util.List;

/**
 * The records of one S3 object: consecutive records of one partition, all under one key. It grows
 * while it is its partition's open chunk, and remembers how many of its records S3 holds already.
 */
final class Chunk {
    private final String key;
    private final List<Line> lines = new ArrayList<>();
    private int storedLines;

    Chunk(String key, Line first) {
        this.key = key;
        lines.add(first);
    }

    String key() {
        return key;
    }

    Line first() {
        return lines.get(0);
    }

    long startOffset() {
        return first().offset();
    }

    int size() {
        return lines.size();
    }

    void add(Line line) {
        lines.add(line);
    }

    /** The records so far, in offset order. */
    List<Line> lines() {
        return List.copyOf(lines);
    }

    /** True when S3 holds every record of this chunk. */
    boolean isStored() {
        return storedLines == lines.size();
    }

    /** S3 now holds this chunk's first {@code count} records (an upload of {@link #lines()}). */
    void markStored(int count) {
        storedLines = Math.max(storedLines, count);
    }
}
