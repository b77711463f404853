package io.streamlab.connect.common;

import java.net.URI;
import java.net.URISyntaxException;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** Accepts an absolute http:// or https:// URL with a host; optionally also "not set". */
public final class HttpUrlValidator implements ConfigDef.Validator {
    private final boolean optional;

    /** A validator; {@code optional} lets null or blank through. */
    public HttpUrlValidator(boolean optional) {
        this.optional = optional;
    }

    @Override
    public void ensureValid(String name, Object value) {
        String text = value == null ? "" : value.toString().trim();
        if (text.isEmpty()) {
            if (!optional) {
                throw new ConfigException(name, value, "a URL such as http://localhost:9200 is required");
            }
            return;
        }
        try {
            URI uri = new URI(text);
            boolean http = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
            if (!http || uri.getHost() == null) {
                throw new ConfigException(name, value, "expected http://host[:port] or https://host[:port]");
            }
        } catch (URISyntaxException e) {
            throw new ConfigException(name, value, "not a URL: " + e.getReason());
        }
    }

    @Override
    public String toString() {
        return optional ? "an http(s) URL, or empty" : "an http(s) URL";
    }
}
