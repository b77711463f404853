package io.streamlab.connect.s3;

/** Where chunks go: S3 in production, a map in tests. */
interface ObjectStore extends AutoCloseable {
    /**
     * Stores (or overwrites) one object. Throws a {@link org.apache.kafka.connect.errors.RetriableException}
     * when trying again later may work, another {@link org.apache.kafka.connect.errors.ConnectException}
     * when it will not.
     */
    void put(String key, byte[] body, String contentType);

    @Override
    void close();
}
