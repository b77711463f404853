package io.streamlab.connect.opensearch;

import io.streamlab.connect.common.HttpUrlValidator;
import io.streamlab.connect.common.Template;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/** The OpenSearch sink's settings (connection keys as in Aiven's and Confluent's sinks). */
public final class OpenSearchSinkConfig extends AbstractConfig {
    public static final String URL = "connection.url";
    public static final String USERNAME = "connection.username";
    public static final String PASSWORD = "connection.password";
    public static final String INDEX_NAME = "index.name";
    public static final String BATCH_SIZE = "batch.size";
    public static final String MAX_RETRIES = "max.retries";
    public static final String RETRY_BACKOFF_MS = "retry.backoff.ms";

    private static final Set<String> INDEX_VARIABLES = Set.of("topic", "timestamp");

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new HttpUrlValidator(false), Importance.HIGH,
                    "OpenSearch base URL, http:// or https://, e.g. http://localhost:9200.")
            .define(USERNAME, Type.STRING, null, Importance.MEDIUM,
                    "User for HTTP basic authentication; unset = no authentication.")
            .define(PASSWORD, Type.PASSWORD, null, Importance.MEDIUM, "Password for HTTP basic authentication.")
            .define(INDEX_NAME, Type.STRING, "{{topic}}", OpenSearchSinkConfig::validateIndexName,
                    Importance.MEDIUM, "Target index: {{topic}} and {{timestamp:unit=yyyy.MM.dd}}-style "
                            + "placeholders (the record's timestamp, UTC). Lower-cased.")
            .define(BATCH_SIZE, Type.INT, 500, ConfigDef.Range.atLeast(1), Importance.MEDIUM,
                    "Documents per _bulk request at most.")
            .define(MAX_RETRIES, Type.INT, 5, ConfigDef.Range.atLeast(0), Importance.LOW,
                    "Retries of a _bulk request (or its failed items) on 429, 5xx or no connection.")
            .define(RETRY_BACKOFF_MS, Type.LONG, 100L, ConfigDef.Range.atLeast(0), Importance.LOW,
                    "Wait before the first retry; it doubles with every further retry.");

    /** Parses and validates; throws {@link ConfigException} on a bad setting. */
    public OpenSearchSinkConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
    }

    /** The base URL without a trailing slash. */
    public String url() {
        return getString(URL).trim().replaceAll("/+$", "");
    }

    public Optional<String> username() {
        return Optional.ofNullable(getString(USERNAME)).filter(s -> !s.isBlank());
    }

    public String password() {
        Password password = getPassword(PASSWORD);
        return password == null ? "" : password.value();
    }

    public Template indexName() {
        return Template.parse(INDEX_NAME, getString(INDEX_NAME));
    }

    public int batchSize() {
        return getInt(BATCH_SIZE);
    }

    public int maxRetries() {
        return getInt(MAX_RETRIES);
    }

    public long retryBackoffMs() {
        return getLong(RETRY_BACKOFF_MS);
    }

    private static void validateIndexName(String name, Object value) {
        Template template = Template.parse(name, String.valueOf(value));
        if (!INDEX_VARIABLES.containsAll(template.variables())) {
            throw new ConfigException(name, value, "only {{topic}} and {{timestamp:unit=...}} can be used");
        }
    }
}
