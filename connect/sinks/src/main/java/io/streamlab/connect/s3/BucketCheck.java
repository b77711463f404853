package io.streamlab.connect.s3;

import io.streamlab.connect.common.ConfigErrors;
import java.io.IOException;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The live part of the S3 sink's validation: does the bucket exist at the endpoint?
 * Errors land on the key to fix; messages name the bucket and endpoint, never a secret.
 */
final class BucketCheck {
    private static final String[] CHECKED_KEYS = {
        S3SinkConfig.BUCKET, S3SinkConfig.REGION, S3SinkConfig.ENDPOINT,
        S3SinkConfig.ACCESS_KEY_ID, S3SinkConfig.SECRET_ACCESS_KEY,
    };

    private BucketCheck() {
    }

    /** Adds errors to {@code result}; does nothing when the basic settings are already wrong. */
    static void run(Map<String, String> props, Config result) {
        if (ConfigErrors.anyError(result, CHECKED_KEYS)) {
            return;
        }
        S3SinkConfig config = new S3SinkConfig(props);
        try (S3Client client = S3Clients.forValidation(config)) {
            client.headBucket(b -> b.bucket(config.bucket()));
        } catch (S3Exception e) {
            ConfigErrors.add(result, keyFor(e), message(config, e));
        } catch (SdkClientException e) {
            clientError(config, e, result);
        }
    }

    private static void clientError(S3SinkConfig config, SdkClientException e, Config result) {
        if (unreachable(e)) {
            String key = config.endpoint().isPresent() ? S3SinkConfig.ENDPOINT : S3SinkConfig.REGION;
            ConfigErrors.add(result, key, config.location() + " does not answer (" + e.getMessage()
                    + "); start the S3 store or fix " + key);
        } else {
            ConfigErrors.add(result, S3SinkConfig.BUCKET, "checking bucket '" + config.bucket() + "' at "
                    + config.location() + " failed: " + e.getMessage());
        }
    }

    /** Connection refused, unknown host or no answer in time (as opposed to, say, no credentials). */
    private static boolean unreachable(SdkClientException e) {
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return true;
        }
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private static String keyFor(S3Exception e) {
        return e.statusCode() == 403 ? S3SinkConfig.ACCESS_KEY_ID : S3SinkConfig.BUCKET;
    }

    private static String message(S3SinkConfig config, S3Exception e) {
        String bucket = "'" + config.bucket() + "'";
        return switch (e.statusCode()) {
            case 404 -> "bucket " + bucket + " does not exist at " + config.location()
                    + "; create it or fix " + S3SinkConfig.BUCKET;
            case 403 -> "access to bucket " + bucket + " at " + config.location() + " was denied; check "
                    + S3SinkConfig.ACCESS_KEY_ID + " and " + S3SinkConfig.SECRET_ACCESS_KEY;
            case 301 -> "bucket " + bucket + " is in another region than " + config.region()
                    + "; fix " + S3SinkConfig.REGION;
            default -> "checking bucket " + bucket + " at " + config.location() + " failed with HTTP "
                    + e.statusCode();
        };
    }
}
