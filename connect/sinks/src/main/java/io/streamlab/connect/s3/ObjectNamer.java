package io.streamlab.connect.s3;

import io.streamlab.connect.common.Template;
import io.streamlab.connect.common.TemplateValues;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.apache.kafka.connect.errors.DataException;

/**
 * The object key of a chunk, from {@code file.name.template}: the chunk's topic, partition and
 * start offset, and for {@code {{timestamp}}} the time of its first record ({@link Line#timestamp}).
 */
final class ObjectNamer {
    private final Template template;
    private final ZoneId zone;
    private final String suffix;
    private final boolean needsTime;

    ObjectNamer(Template template, ZoneId zone, String suffix) {
        this.template = template;
        this.zone = zone;
        this.suffix = suffix;
        this.needsTime = template.variables().contains("timestamp");
    }

    /** The key of an object starting at {@code startOffset} whose first record is (or is named like) {@code line}. */
    String key(Line line, int partition, long startOffset) {
        return template.render(new TemplateValues(line.topic(), partition, startOffset, time(line))) + suffix;
    }

    /**
     * A record without a timestamp cannot be put in a time folder, and any stand-in (such as the
     * upload time) would put it elsewhere on a replay: it goes to the errant record reporter.
     */
    private ZonedDateTime time(Line line) {
        if (line.timestamp() != null) {
            return Instant.ofEpochMilli(line.timestamp()).atZone(zone);
        }
        if (needsTime) {
            throw new DataException("record " + line.topic() + "@" + line.offset()
                    + " has no timestamp for the {{timestamp}} folders of " + S3SinkConfig.FILE_NAME_TEMPLATE);
        }
        return null;
    }
}
