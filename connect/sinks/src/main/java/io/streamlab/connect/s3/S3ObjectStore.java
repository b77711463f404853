package io.streamlab.connect.s3;

import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Stores chunks in one bucket with single PutObject calls: an object holds at most
 * {@code file.max.records} records, far below the size where multipart upload pays off.
 */
final class S3ObjectStore implements ObjectStore {
    private final S3Client client;
    private final String bucket;

    S3ObjectStore(S3Client client, String bucket) {
        this.client = client;
        this.bucket = bucket;
    }

    static S3ObjectStore open(S3SinkConfig config) {
        return new S3ObjectStore(S3Clients.forTask(config), config.bucket());
    }

    @Override
    public void put(String key, byte[] body, String contentType) {
        PutObjectRequest request = PutObjectRequest.builder()
                .bucket(bucket)
                .key(key)
                .contentType(contentType)
                .build();
        try {
            client.putObject(request, RequestBody.fromBytes(body));
        } catch (S3Exception e) {
            throw classify(key, e);
        } catch (SdkException e) {
            throw new RetriableException("upload of " + key + " to bucket " + bucket + " failed", e);
        }
    }

    /**
     * A store that is down or busy is worth waiting for; a 4xx (no such bucket, access denied)
     * will not heal by itself, so it fails the task where its status shows the reason.
     */
    private ConnectException classify(String key, S3Exception e) {
        int status = e.statusCode();
        String message = "upload of " + key + " to bucket " + bucket + " failed with HTTP " + status;
        boolean permanent = status >= 400 && status < 500 && status != 408 && status != 429;
        return permanent ? new ConnectException(message, e) : new RetriableException(message, e);
    }

    @Override
    public void close() {
        client.close();
    }
}
