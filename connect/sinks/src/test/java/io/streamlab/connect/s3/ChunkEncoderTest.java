package io.streamlab.connect.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class ChunkEncoderTest {
    private static final List<Line> LINES = List.of(line(1, "{\"a\":1}"), line(2, "{\"a\":2}"));

    private static Line line(long offset, String json) {
        return new Line(offset, null, "t", json.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void jsonLinesEndEveryRecordWithANewline() {
        ChunkEncoder encoder = new ChunkEncoder(false, false);
        assertEquals("{\"a\":1}\n{\"a\":2}\n", text(encoder.encode(LINES)));
        assertEquals("", encoder.keySuffix());
        assertEquals("application/x-ndjson", encoder.contentType());
    }

    @Test
    void jsonIsOneArrayPerObject() {
        assertEquals("[\n{\"a\":1},\n{\"a\":2}\n]\n", text(new ChunkEncoder(true, false).encode(LINES)));
        assertEquals("[\n{\"a\":1}\n]\n", text(new ChunkEncoder(true, false).encode(LINES.subList(0, 1))));
    }

    @Test
    void gzipRoundTripsAndAddsTheSuffix() throws IOException {
        ChunkEncoder encoder = new ChunkEncoder(false, true);
        byte[] compressed = encoder.encode(LINES);
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
            assertArrayEquals(new ChunkEncoder(false, false).encode(LINES), in.readAllBytes());
        }
        assertEquals(".gz", encoder.keySuffix());
        assertEquals("application/gzip", encoder.contentType());
    }
}
