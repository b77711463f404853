package io.streamlab.connect.common;

import java.util.Optional;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;

/** Helpers for the live checks a connector adds to {@code Connector.validate}. */
public final class ConfigErrors {
    private ConfigErrors() {
    }

    /** True when any of the given keys already carries an error (the live check is then skipped). */
    public static boolean anyError(Config config, String... keys) {
        for (String key : keys) {
            if (find(config, key).map(v -> !v.errorMessages().isEmpty()).orElse(false)) {
                return true;
            }
        }
        return false;
    }

    /** Attaches an error message to one key, as the Connect REST validate answer shows it. */
    public static void add(Config config, String key, String message) {
        find(config, key).ifPresent(v -> v.addErrorMessage(message));
    }

    private static Optional<ConfigValue> find(Config config, String key) {
        return config.configValues().stream().filter(v -> v.name().equals(key)).findFirst();
    }
}
