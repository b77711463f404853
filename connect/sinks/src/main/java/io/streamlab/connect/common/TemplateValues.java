package io.streamlab.connect.common;

import java.time.ZonedDateTime;

/**
 * What a {@link Template} placeholder can refer to.
 *
 * @param topic       the record's topic, for {@code {{topic}}}
 * @param partition   the Kafka partition, for {@code {{partition}}}
 * @param startOffset the offset of a file's first record, for {@code {{start_offset}}}
 * @param timestamp   the instant, in the zone to print it in, for {@code {{timestamp:unit=...}}}
 */
public record TemplateValues(String topic, int partition, long startOffset, ZonedDateTime timestamp) {
}
