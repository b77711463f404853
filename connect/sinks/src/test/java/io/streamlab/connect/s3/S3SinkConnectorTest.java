package io.streamlab.connect.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

class S3SinkConnectorTest {
    private static List<String> errors(Config config, String key) {
        return config.configValues().stream().filter(v -> v.name().equals(key))
                .findFirst().map(ConfigValue::errorMessages).orElseThrow();
    }

    /** A local port nobody listens on: connecting is refused at once. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Map<String, String> props(String... pairs) {
        Map<String, String> props = new HashMap<>(Map.of(S3SinkConfig.BUCKET, "streamlab",
                S3SinkConfig.ACCESS_KEY_ID, "local-identity", S3SinkConfig.SECRET_ACCESS_KEY, "local-credential"));
        for (int i = 0; i < pairs.length; i += 2) {
            props.put(pairs[i], pairs[i + 1]);
        }
        return props;
    }

    @Test
    void anEndpointThatDoesNotAnswerIsReportedOnTheEndpointKey() throws IOException {
        String endpoint = "http://127.0.0.1:" + closedPort();
        Config result = new S3SinkConnector().validate(props(S3SinkConfig.ENDPOINT, endpoint));
        List<String> endpointErrors = errors(result, S3SinkConfig.ENDPOINT);
        assertEquals(1, endpointErrors.size());
        assertTrue(endpointErrors.get(0).startsWith(endpoint + " does not answer"), endpointErrors.get(0));
        assertTrue(errors(result, S3SinkConfig.BUCKET).isEmpty());
        assertTrue(result.toString().indexOf("local-credential") < 0, "no secret in messages");
    }

    @Test
    void badSettingsSkipTheLiveCheck() {
        Config result = new S3SinkConnector().validate(props(
                S3SinkConfig.ENDPOINT, "localhost:9000",
                S3SinkConfig.FILE_NAME_TEMPLATE, "{{topic}}/{{start_offset}}.jsonl",
                S3SinkConfig.OUTPUT_FIELDS, "value,partition"));
        assertEquals(1, errors(result, S3SinkConfig.ENDPOINT).size());
        assertTrue(errors(result, S3SinkConfig.FILE_NAME_TEMPLATE).get(0).contains("{{partition}}"));
        assertEquals(1, errors(result, S3SinkConfig.OUTPUT_FIELDS).size());
    }
}
