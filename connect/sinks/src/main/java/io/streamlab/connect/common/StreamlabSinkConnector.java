package io.streamlab.connect.common;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * What both streamlab sinks share: every task gets the connector's settings, and
 * {@link #validate} adds a live check of the target service to the ConfigDef checks.
 */
public abstract class StreamlabSinkConnector extends SinkConnector {
    private Map<String, String> props;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config().parse(props); // fail here, not in every task, when a setting is wrong
        this.props = new HashMap<>(props);
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return Collections.nCopies(maxTasks, props);
    }

    @Override
    public void stop() {
        // Nothing runs outside the tasks.
    }

    /**
     * The ConfigDef checks, then (only when every field passed them) {@link #checkTarget}: the
     * live check parses the whole config, which would throw on any field's bad value.
     */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config result = super.validate(connectorConfigs);
        if (result.configValues().stream().allMatch(v -> v.errorMessages().isEmpty())) {
            checkTarget(connectorConfigs, result);
        }
        return result;
    }

    /**
     * Asks the target service whether these settings work, attaching errors to the keys to fix.
     * Must skip when the keys it needs already carry errors, and never put secrets in messages.
     */
    protected abstract void checkTarget(Map<String, String> props, Config result);
}
