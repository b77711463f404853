package io.streamlab.connect.s3;

/**
 * One formatted record waiting in a partition buffer.
 *
 * @param offset    the record's Kafka offset
 * @param timestamp the time that names and rotates its object (epoch ms): the record's timestamp,
 *                  or with {@code file.name.timestamp.source=wallclock} when the task received it;
 *                  null when the record has none
 * @param topic     the topic as the sink sees it (after SMTs), for {@code {{topic}}}
 * @param json      the compact JSON document
 */
record Line(long offset, Long timestamp, String topic, byte[] json) {
}
