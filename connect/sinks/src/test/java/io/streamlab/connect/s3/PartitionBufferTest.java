package io.streamlab.connect.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlab.connect.common.Template;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

class PartitionBufferTest {
    private static final ChunkRule RULE = new ChunkRule(
            new ObjectNamer(Template.parse("k", S3SinkConfig.DEFAULT_TEMPLATE), ZoneId.of("UTC"), ""), 10, 10_000);

    /** Record {@code offset}, two seconds after the one before: the 10 s interval closes every fifth. */
    private static Line line(long offset) {
        return new Line(offset, offset * 2_000, "t", new byte[0]);
    }

    private static PartitionBuffer filled(long from, long to) {
        PartitionBuffer buffer = new PartitionBuffer(0, RULE);
        for (long offset = from; offset < to; offset++) {
            buffer.add(line(offset));
        }
        return buffer;
    }

    private static List<Long> closedStarts(PartitionBuffer buffer) {
        List<Long> starts = new ArrayList<>();
        for (Chunk chunk = buffer.oldestClosed(); chunk != null; chunk = buffer.oldestClosed()) {
            starts.add(chunk.startOffset());
            buffer.dropOldestClosed();
        }
        return starts;
    }

    @Test
    void chunksCloseByRecordTimeAndTheLastOneStaysOpen() {
        PartitionBuffer buffer = filled(0, 12);
        assertEquals(List.of(0L, 5L), closedStarts(buffer));
        assertEquals(10, buffer.open().orElseThrow().startOffset());
        assertEquals(2, buffer.open().orElseThrow().size());
    }

    @Test
    void aFullChunkClosesAtOnce() {
        PartitionBuffer buffer = new PartitionBuffer(0, RULE);
        for (long offset = 0; offset < 10; offset++) {
            buffer.add(new Line(offset, 0L, "t", new byte[0]));
        }
        assertEquals(List.of(0L), closedStarts(buffer));
        assertTrue(buffer.open().isEmpty());
    }

    @Test
    void committableOffsetIsTheStartOfTheFirstChunkNotFinal() {
        PartitionBuffer buffer = new PartitionBuffer(0, RULE);
        assertEquals(OptionalLong.empty(), buffer.committableOffset());
        buffer.add(line(5));
        buffer.add(line(6));
        buffer.open().orElseThrow().markStored(2);
        assertEquals(OptionalLong.of(5), buffer.committableOffset(), "an uploaded open chunk may still grow");
        buffer.add(line(10)); // closes 5-6
        assertEquals(OptionalLong.of(5), buffer.committableOffset());
        buffer.dropOldestClosed();
        assertEquals(OptionalLong.of(10), buffer.committableOffset());
    }

    @Test
    void aSkippedRecordIsCommittedPastWhenNothingIsOpen() {
        PartitionBuffer buffer = new PartitionBuffer(0, RULE);
        buffer.skip(0);
        assertEquals(OptionalLong.of(1), buffer.committableOffset());
    }

    @Test
    void aRecordThatCannotBeNamedLeavesTheBufferAsItWas() {
        PartitionBuffer buffer = filled(0, 3);
        assertThrows(DataException.class, () -> buffer.add(new Line(3, null, "t", new byte[0])));
        assertEquals(3, buffer.open().orElseThrow().size());
        assertTrue(buffer.isNew(3));
    }

    @Test
    void redeliveredRecordsAreNotNew() {
        PartitionBuffer buffer = filled(0, 3);
        assertFalse(buffer.isNew(2));
        assertTrue(buffer.isNew(3));
    }
}
