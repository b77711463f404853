package io.streamlab.connect.s3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/** Builds an object's bytes from its records: JSON Lines or one JSON array, optionally gzipped. */
final class ChunkEncoder {
    private static final byte[] NEWLINE = {'\n'};
    private static final byte[] ARRAY_SEPARATOR = {',', '\n'};

    private final boolean jsonArray;
    private final boolean gzip;

    ChunkEncoder(boolean jsonArray, boolean gzip) {
        this.jsonArray = jsonArray;
        this.gzip = gzip;
    }

    /** What the encoder adds to the key from the template: ".gz" when compressing. */
    String keySuffix() {
        return gzip ? ".gz" : "";
    }

    String contentType() {
        if (gzip) {
            return "application/gzip";
        }
        return jsonArray ? "application/json" : "application/x-ndjson";
    }

    byte[] encode(List<Line> lines) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = gzip ? new GZIPOutputStream(bytes) : bytes) {
            if (jsonArray) {
                writeArray(out, lines);
            } else {
                writeLines(out, lines);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory encoding failed", e);
        }
        return bytes.toByteArray();
    }

    private static void writeLines(OutputStream out, List<Line> lines) throws IOException {
        for (Line line : lines) {
            out.write(line.json());
            out.write(NEWLINE);
        }
    }

    /** One element per line, so that the file stays readable with line tools too. */
    private static void writeArray(OutputStream out, List<Line> lines) throws IOException {
        out.write('[');
        out.write(NEWLINE);
        for (int i = 0; i < lines.size(); i++) {
            out.write(lines.get(i).json());
            out.write(i + 1 < lines.size() ? ARRAY_SEPARATOR : NEWLINE);
        }
        out.write(']');
        out.write(NEWLINE);
    }
}
