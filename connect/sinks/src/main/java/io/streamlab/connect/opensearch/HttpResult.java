package io.streamlab.connect.opensearch;

import java.nio.charset.StandardCharsets;

/**
 * An HTTP answer.
 *
 * @param status the status code
 * @param body   the body bytes
 */
record HttpResult(int status, byte[] body) {
    /** The start of the body, for error messages. */
    String excerpt() {
        String text = new String(body, StandardCharsets.UTF_8);
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
