package io.streamlab.connect.s3;

/**
 * One formatted record waiting in a partition buffer.
 *
 * @param offset    the record's Kafka offset
 * @param timestamp the record's timestamp (epoch ms), or null
 * @param topic     the topic as the sink sees it (after SMTs), for {@code {{topic}}}
 * @param json      the compact JSON document
 */
record Line(long offset, Long timestamp, String topic, byte[] json) {
}
