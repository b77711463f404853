package io.streamlab.connect.s3;

import io.streamlab.connect.common.Template;
import io.streamlab.connect.common.TemplateValues;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;

/**
 * The object key of a chunk, from {@code file.name.template}.
 *
 * <p>The {@code {{timestamp}}} placeholders use the upload time (wallclock) or the chunk's first
 * record's timestamp (event). Only event time gives the same key when a chunk is rewritten
 * after a crash in a later hour; wallclock is the default because it is Aiven's.
 */
final class ObjectNamer {
    private final Template template;
    private final ZoneId zone;
    private final boolean eventTime;
    private final String suffix;
    private final Clock clock;

    ObjectNamer(Template template, ZoneId zone, boolean eventTime, String suffix, Clock clock) {
        this.template = template;
        this.zone = zone;
        this.eventTime = eventTime;
        this.suffix = suffix;
        this.clock = clock;
    }

    String key(Chunk chunk) {
        Line first = chunk.first();
        TemplateValues values = new TemplateValues(first.topic(), chunk.partition(), first.offset(),
                time(first).atZone(zone));
        return template.render(values) + suffix;
    }

    private Instant time(Line first) {
        // A record without a timestamp (old producers) falls back to the upload time.
        if (eventTime && first.timestamp() != null && first.timestamp() >= 0) {
            return Instant.ofEpochMilli(first.timestamp());
        }
        return clock.instant();
    }
}
