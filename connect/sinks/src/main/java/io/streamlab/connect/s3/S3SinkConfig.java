package io.streamlab.connect.s3;

import io.streamlab.connect.common.HttpUrlValidator;
import io.streamlab.connect.common.Template;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/** The S3 sink's settings. The keys are those of Aiven's S3 sink, so course material maps 1:1. */
public final class S3SinkConfig extends AbstractConfig {
    public static final String ACCESS_KEY_ID = "aws.access.key.id";
    public static final String SECRET_ACCESS_KEY = "aws.secret.access.key";
    public static final String BUCKET = "aws.s3.bucket.name";
    public static final String REGION = "aws.s3.region";
    public static final String ENDPOINT = "aws.s3.endpoint";
    public static final String FILE_NAME_TEMPLATE = "file.name.template";
    public static final String TIMESTAMP_TIMEZONE = "file.name.timestamp.timezone";
    public static final String TIMESTAMP_SOURCE = "file.name.timestamp.source";
    public static final String MAX_RECORDS = "file.max.records";
    /** Not an Aiven key (Aiven has no time rotation): Confluent's name for the same rule. */
    public static final String ROTATE_INTERVAL_MS = "rotate.interval.ms";
    public static final String OUTPUT_TYPE = "format.output.type";
    public static final String OUTPUT_FIELDS = "format.output.fields";
    public static final String COMPRESSION = "file.compression.type";
    /** Not an Aiven key: how many partitions' objects are uploaded side by side. */
    public static final String UPLOAD_THREADS = "upload.threads";

    public static final String DEFAULT_TEMPLATE = "topics/{{topic}}/year={{timestamp:unit=yyyy}}"
            + "/month={{timestamp:unit=MM}}/day={{timestamp:unit=dd}}/hour={{timestamp:unit=HH}}"
            + "/{{topic}}+{{partition}}+{{start_offset}}.jsonl";

    /** Without these three, two files could get the same key and overwrite each other. */
    private static final List<String> REQUIRED_IN_TEMPLATE = List.of("topic", "partition", "start_offset");

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(ACCESS_KEY_ID, Type.PASSWORD, null, Importance.HIGH,
                    "AWS access key id; unset = the SDK's default credential chain.")
            .define(SECRET_ACCESS_KEY, Type.PASSWORD, null, Importance.HIGH,
                    "AWS secret access key; unset = the SDK's default credential chain.")
            .define(BUCKET, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                    Importance.HIGH, "The bucket to write to. It must exist.")
            .define(REGION, Type.STRING, "us-east-1", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "AWS region of the bucket.")
            .define(ENDPOINT, Type.STRING, null, new HttpUrlValidator(true), Importance.MEDIUM,
                    "S3-compatible endpoint such as http://localhost:9000; when set, path-style access is used.")
            .define(FILE_NAME_TEMPLATE, Type.STRING, DEFAULT_TEMPLATE, S3SinkConfig::validateTemplate,
                    Importance.MEDIUM, "Object key template: {{topic}}, {{partition}}, {{start_offset}} "
                            + "(zero-padded to 20 digits) and {{timestamp:unit=yyyy|MM|dd|HH}}.")
            .define(TIMESTAMP_TIMEZONE, Type.STRING, "UTC", S3SinkConfig::validateZone, Importance.LOW,
                    "Time zone of the {{timestamp}} placeholders.")
            .define(TIMESTAMP_SOURCE, Type.STRING, "event",
                    ConfigDef.CaseInsensitiveValidString.in("event", "wallclock"), Importance.LOW,
                    "event = the Kafka timestamp of the object's first record, so that a replay after a crash "
                            + "writes the same keys; wallclock = when the task received that record (Aiven's "
                            + "default), which a replay in a later hour puts in another folder: no exactly-once.")
            .define(MAX_RECORDS, Type.INT, 10, ConfigDef.Range.atLeast(1), Importance.MEDIUM,
                    "Records per object at most. A full object is uploaded at once; the open one is uploaded "
                            + "(and overwritten as it grows) at each offset flush of the worker.")
            .define(ROTATE_INTERVAL_MS, Type.LONG, 10_000L, ConfigDef.Range.atLeast(1), Importance.MEDIUM,
                    "A record whose timestamp is this many ms or more after the open object's first record "
                            + "starts a new object (record time, as Confluent's rotate.interval.ms).")
            .define(OUTPUT_TYPE, Type.STRING, "jsonl", ConfigDef.CaseInsensitiveValidString.in("jsonl", "json"),
                    Importance.MEDIUM, "jsonl = one JSON document per line; json = one JSON array per object.")
            .define(OUTPUT_FIELDS, Type.LIST, "value", OutputField.VALIDATOR, Importance.MEDIUM,
                    "Fields written per record: value, key, offset, timestamp, headers. With only value, "
                            + "a line is the value itself; otherwise an object with those fields.")
            .define(COMPRESSION, Type.STRING, "none", ConfigDef.CaseInsensitiveValidString.in("none", "gzip"),
                    Importance.LOW, "none, or gzip (appends .gz to the key).")
            .define(UPLOAD_THREADS, Type.INT, 4, ConfigDef.Range.between(1, 64), Importance.LOW,
                    "Partitions whose objects are uploaded side by side (each partition's in order). Small "
                            + "objects at a high rate need several: at 1,000 records/s and 10 records per object, "
                            + "100 PUTs a second. 1 = one at a time.");

    /** Parses and validates; throws {@link ConfigException} on a bad setting. */
    public S3SinkConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
    }

    public String bucket() {
        return getString(BUCKET);
    }

    public String region() {
        return getString(REGION);
    }

    /** The S3-compatible endpoint, when one is set. */
    public Optional<String> endpoint() {
        return Optional.ofNullable(getString(ENDPOINT)).map(String::trim).filter(s -> !s.isEmpty());
    }

    /** Where objects go, for messages: the endpoint or "AWS S3 (region)". Never holds secrets. */
    public String location() {
        return endpoint().orElse("AWS S3 (" + region() + ")");
    }

    public Optional<String> accessKeyId() {
        return secret(ACCESS_KEY_ID);
    }

    public Optional<String> secretAccessKey() {
        return secret(SECRET_ACCESS_KEY);
    }

    public Template fileNameTemplate() {
        return Template.parse(FILE_NAME_TEMPLATE, getString(FILE_NAME_TEMPLATE));
    }

    public ZoneId timezone() {
        return ZoneId.of(getString(TIMESTAMP_TIMEZONE));
    }

    public boolean eventTimestamps() {
        return getString(TIMESTAMP_SOURCE).equalsIgnoreCase("event");
    }

    public int maxRecords() {
        return getInt(MAX_RECORDS);
    }

    public int uploadThreads() {
        return getInt(UPLOAD_THREADS);
    }

    public long rotateIntervalMs() {
        return getLong(ROTATE_INTERVAL_MS);
    }

    public boolean jsonArray() {
        return getString(OUTPUT_TYPE).equalsIgnoreCase("json");
    }

    List<OutputField> outputFields() {
        return OutputField.parse(getList(OUTPUT_FIELDS));
    }

    public boolean gzip() {
        return getString(COMPRESSION).equalsIgnoreCase("gzip");
    }

    private Optional<String> secret(String key) {
        return Optional.ofNullable(getPassword(key)).map(Password::value).filter(s -> !s.isBlank());
    }

    private static void validateTemplate(String name, Object value) {
        Template template = Template.parse(name, String.valueOf(value));
        for (String required : REQUIRED_IN_TEMPLATE) {
            if (!template.variables().contains(required)) {
                throw new ConfigException(name, value, "must contain {{topic}}, {{partition}} and {{start_offset}} "
                        + "so that every file gets its own key (missing {{" + required + "}})");
            }
        }
    }

    private static void validateZone(String name, Object value) {
        try {
            ZoneId.of(String.valueOf(value));
        } catch (DateTimeException e) {
            throw new ConfigException(name, value, "not a time zone id (e.g. UTC, Europe/Berlin)");
        }
    }
}
