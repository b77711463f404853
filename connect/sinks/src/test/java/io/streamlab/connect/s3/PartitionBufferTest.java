package io.streamlab.connect.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class PartitionBufferTest {
    private static Line line(long offset) {
        return new Line(offset, 0L, "t", new byte[0]);
    }

    private static PartitionBuffer filled(long from, long to) {
        PartitionBuffer buffer = new PartitionBuffer(0);
        for (long offset = from; offset < to; offset++) {
            buffer.add(line(offset));
        }
        return buffer;
    }

    @Test
    void chunksAreCutFromTheFrontAtMostNRecords() {
        PartitionBuffer buffer = filled(100, 125);
        long[] expectedStarts = {100, 110, 120};
        int[] expectedSizes = {10, 10, 5};
        for (int i = 0; i < 3; i++) {
            Chunk chunk = buffer.peek(10);
            assertEquals(expectedStarts[i], chunk.first().offset());
            assertEquals(expectedSizes[i], chunk.lines().size());
            buffer.remove(chunk);
        }
        assertEquals(0, buffer.size());
    }

    @Test
    void committableOffsetIsTheFirstRecordNotStored() {
        PartitionBuffer buffer = new PartitionBuffer(0);
        assertEquals(OptionalLong.empty(), buffer.committableOffset());
        buffer.add(line(5));
        buffer.add(line(6));
        assertEquals(OptionalLong.of(5), buffer.committableOffset());
        buffer.remove(buffer.peek(10));
        assertEquals(OptionalLong.of(7), buffer.committableOffset());
        buffer.skip(7);
        assertEquals(OptionalLong.of(8), buffer.committableOffset());
    }

    @Test
    void redeliveredRecordsAreNotNew() {
        PartitionBuffer buffer = filled(0, 3);
        assertFalse(buffer.isNew(2));
        assertTrue(buffer.isNew(3));
    }
}
