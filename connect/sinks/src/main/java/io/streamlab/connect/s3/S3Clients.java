package io.streamlab.connect.s3;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/** Builds the AWS SDK v2 S3 client from the sink's settings. */
final class S3Clients {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(30);
    /** validate() runs inside a REST request: answer quickly, no retries. */
    private static final Duration VALIDATE_TIMEOUT = Duration.ofSeconds(5);

    private S3Clients() {
    }

    /** The client the task uploads with (the SDK's standard retries). */
    static S3Client forTask(S3SinkConfig config) {
        return builder(config).build();
    }

    /** A client for one quick check in {@code validate()}. */
    static S3Client forValidation(S3SinkConfig config) {
        return builder(config)
                .overrideConfiguration(o -> o.apiCallTimeout(VALIDATE_TIMEOUT)
                        .retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    private static S3ClientBuilder builder(S3SinkConfig config) {
        S3ClientBuilder builder = S3Client.builder()
                // The JDK's HttpURLConnection: no Netty or Apache client in the plugin folder.
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(CONNECT_TIMEOUT)
                        .socketTimeout(SOCKET_TIMEOUT))
                .region(Region.of(config.region()))
                .credentialsProvider(credentials(config))
                // Since 2.30 the SDK adds CRC checksums to every upload by default; S3-compatible
                // stores such as s3proxy reject them. Only send them where S3 requires one.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        config.endpoint().ifPresent(endpoint -> builder
                .endpointOverride(URI.create(endpoint))
                // Local stores have no per-bucket DNS names.
                .forcePathStyle(true));
        return builder;
    }

    private static AwsCredentialsProvider credentials(S3SinkConfig config) {
        if (config.accessKeyId().isPresent() && config.secretAccessKey().isPresent()) {
            return StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(config.accessKeyId().get(), config.secretAccessKey().get()));
        }
        return DefaultCredentialsProvider.builder().build();
    }
}
