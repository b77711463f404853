package io.streamlab.connect.opensearch;

import io.streamlab.connect.common.StreamlabSinkConnector;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;

/**
 * Indexes JSON records into OpenSearch with the {@code _bulk} API. Document ids are
 * {@code <topic>+<partition>+<offset>}, so a replay after a crash overwrites instead of duplicating.
 */
public class OpenSearchSinkConnector extends StreamlabSinkConnector {
    @Override
    public Class<? extends Task> taskClass() {
        return OpenSearchSinkTask.class;
    }

    @Override
    public ConfigDef config() {
        return OpenSearchSinkConfig.CONFIG_DEF;
    }

    /** Does connection.url answer, and accept the credentials? */
    @Override
    protected void checkTarget(Map<String, String> props, Config result) {
        UrlCheck.run(props, result);
    }
}
