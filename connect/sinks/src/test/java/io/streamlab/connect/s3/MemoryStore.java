package io.streamlab.connect.s3;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;

/** An in-memory bucket that can be told to fail the next uploads. It outlives the tasks that write to it. */
final class MemoryStore implements ObjectStore {
    /** Key to body, sorted by key. */
    final Map<String, String> objects = new TreeMap<>();
    int failures;
    boolean bucketGone;
    /** Uploads stored so far. */
    int uploads;
    /** The task dies right after this upload reaches the bucket (counting from 1); 0 = never. */
    int dieAfterUpload;

    /** The worker process ended: nothing after this reaches the task, the bucket or Kafka. */
    static final class TaskDied extends RuntimeException {
        TaskDied() {
            super("killed", null, false, false);
        }
    }

    @Override
    public synchronized void put(String key, byte[] body, String contentType) {
        if (bucketGone) {
            throw new ConnectException("HTTP 404");
        }
        if (failures > 0) {
            failures--;
            throw new RetriableException("store down");
        }
        objects.put(key, new String(body, StandardCharsets.UTF_8));
        if (++uploads == dieAfterUpload) {
            throw new TaskDied();
        }
    }

    @Override
    public void close() {
        // A task's stop() must not empty the bucket the next task writes to.
    }
}
