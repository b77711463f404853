package io.streamlab.connect.opensearch;

import org.apache.kafka.connect.sink.SinkRecord;

/**
 * One document to index.
 *
 * @param record the record it came from (for the errant record reporter)
 * @param index  the target index
 * @param id     {@code <topic>+<partition>+<offset>}: a replayed record overwrites its document
 * @param source the document, a compact JSON object
 */
record Doc(SinkRecord record, String index, String id, byte[] source) {
}
