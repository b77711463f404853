package io.streamlab.connect.opensearch;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/** The two HTTP calls the sink makes, with the JDK's HttpClient and optional basic auth. */
final class OpenSearchHttp implements BulkTransport {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient client = HttpClient.newBuilder()
            // OpenSearch speaks HTTP/1.1; skip the h2c upgrade dance on http:// URLs.
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .build();
    private final String baseUrl;
    private final Optional<String> authorization;
    private final Duration requestTimeout;

    OpenSearchHttp(OpenSearchSinkConfig config, Duration requestTimeout) {
        this.baseUrl = config.url();
        this.authorization = config.username().map(user -> basic(user, config.password()));
        this.requestTimeout = requestTimeout;
    }

    @Override
    public HttpResult bulk(byte[] ndjson) throws IOException, InterruptedException {
        HttpRequest.Builder request = request("/_bulk")
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofByteArray(ndjson));
        return send(request);
    }

    /** {@code GET /}: does a cluster answer, and does it accept the credentials? */
    HttpResult root() throws IOException, InterruptedException {
        return send(request("/").GET());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(requestTimeout);
        authorization.ifPresent(value -> builder.header("Authorization", value));
        return builder;
    }

    private HttpResult send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new HttpResult(response.statusCode(), response.body());
    }

    /** Sent up front: HttpClient's Authenticator would wait for a 401 challenge first. */
    private static String basic(String user, String password) {
        String pair = user + ":" + password;
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }
}
