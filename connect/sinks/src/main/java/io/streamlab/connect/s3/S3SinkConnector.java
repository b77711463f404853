package io.streamlab.connect.s3;

import io.streamlab.connect.common.StreamlabSinkConnector;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;

/**
 * Writes topics to an S3 bucket (AWS or an S3-compatible store such as s3proxy) as JSON Lines or
 * JSON files of at most {@code file.max.records} records. Settings mirror Aiven's S3 sink.
 */
public class S3SinkConnector extends StreamlabSinkConnector {
    @Override
    public Class<? extends Task> taskClass() {
        return S3SinkTask.class;
    }

    @Override
    public ConfigDef config() {
        return S3SinkConfig.CONFIG_DEF;
    }

    /** Does the bucket exist at the endpoint? */
    @Override
    protected void checkTarget(Map<String, String> props, Config result) {
        BucketCheck.run(props, result);
    }
}
