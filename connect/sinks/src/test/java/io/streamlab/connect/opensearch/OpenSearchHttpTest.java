package io.streamlab.connect.opensearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP side against the JDK's own small server: auth header, content type, validate(). */
class OpenSearchHttpTest {
    private final List<String> seen = new ArrayList<>();
    private HttpServer server;
    private int status = 200;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + exchange.getRequestHeaders().getFirst("Authorization") + " "
                    + exchange.getRequestHeaders().getFirst("Content-Type"));
            byte[] body = "{\"items\":[]}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private Map<String, String> props(String url, String username) {
        Map<String, String> props = new HashMap<>(Map.of(OpenSearchSinkConfig.URL, url));
        if (username != null) {
            props.put(OpenSearchSinkConfig.USERNAME, username);
            props.put(OpenSearchSinkConfig.PASSWORD, "s3cret");
        }
        return props;
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    private static List<String> errors(Config config, String key) {
        return config.configValues().stream().filter(v -> v.name().equals(key))
                .findFirst().map(ConfigValue::errorMessages).orElseThrow();
    }

    @Test
    void bulkSendsNdjsonWithBasicAuth() throws Exception {
        OpenSearchSinkConfig config = new OpenSearchSinkConfig(props(url(), "admin"));
        HttpResult result = new OpenSearchHttp(config, Duration.ofSeconds(5)).bulk("{}\n".getBytes());
        assertEquals(200, result.status());
        assertEquals(List.of("POST /_bulk Basic YWRtaW46czNjcmV0 application/x-ndjson"), seen);
    }

    @Test
    void validatePassesWhenTheUrlAnswers() {
        Config result = new OpenSearchSinkConnector().validate(props(url(), null));
        result.configValues().forEach(v -> assertEquals(List.of(), v.errorMessages(), v.name()));
        assertEquals(List.of("GET / null null"), seen);
    }

    @Test
    void validateReportsRefusedCredentialsOnTheUsername() {
        status = 401;
        Config result = new OpenSearchSinkConnector().validate(props(url(), "admin"));
        assertTrue(errors(result, OpenSearchSinkConfig.USERNAME).get(0).contains("HTTP 401"));
        assertTrue(!result.toString().contains("s3cret"), "no secret in messages");
    }

    @Test
    void validateReportsAUrlThatDoesNotAnswer() {
        String url = url();
        server.stop(0);
        Config result = new OpenSearchSinkConnector().validate(props(url, null));
        assertTrue(errors(result, OpenSearchSinkConfig.URL).get(0).startsWith("OpenSearch does not answer at "));
    }
}
