package io.streamlab.connect.opensearch;

import io.streamlab.connect.common.ConfigErrors;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.Config;

/** The live part of the OpenSearch sink's validation: does the URL answer, with these credentials? */
final class UrlCheck {
    /** validate() runs inside a REST request: answer quickly. */
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private UrlCheck() {
    }

    /** Adds errors to {@code result}; does nothing when the basic settings are already wrong. */
    static void run(Map<String, String> props, Config result) {
        String[] keys = {OpenSearchSinkConfig.URL, OpenSearchSinkConfig.USERNAME, OpenSearchSinkConfig.PASSWORD};
        if (ConfigErrors.anyError(result, keys)) {
            return;
        }
        OpenSearchSinkConfig config = new OpenSearchSinkConfig(props);
        String url = config.url();
        try {
            int status = new OpenSearchHttp(config, TIMEOUT).root().status();
            if (status == 401 || status == 403) {
                ConfigErrors.add(result, OpenSearchSinkConfig.USERNAME, "OpenSearch at " + url
                        + " refused the credentials (HTTP " + status + "); check connection.username and "
                        + "connection.password");
            } else if (status >= 300) {
                ConfigErrors.add(result, OpenSearchSinkConfig.URL, url + " answered HTTP " + status
                        + " to GET /; is it the OpenSearch base URL?");
            }
        } catch (IOException e) {
            ConfigErrors.add(result, OpenSearchSinkConfig.URL, "OpenSearch does not answer at " + url + " ("
                    + e + "); start it or fix connection.url");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
