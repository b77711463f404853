package io.streamlab.connect.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class OutputFieldTest {
    @Test
    void parsesCaseInsensitively() {
        assertEquals(List.of(OutputField.KEY, OutputField.VALUE), OutputField.parse(List.of("Key", " value")));
    }

    @Test
    void rejectsUnknownDuplicateAndEmpty() {
        assertThrows(IllegalArgumentException.class, () -> OutputField.parse(List.of("partition")));
        assertThrows(IllegalArgumentException.class, () -> OutputField.parse(List.of("value", "value")));
        assertThrows(IllegalArgumentException.class, () -> OutputField.parse(List.of()));
    }
}
