package io.streamlab.connect.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class TemplateTest {
    private static final Instant LATE_EVENING_UTC = Instant.parse("2024-12-31T23:30:00Z");

    private static TemplateValues values(long offset, String zone) {
        return new TemplateValues("web_logs", 2, offset, LATE_EVENING_UTC.atZone(ZoneId.of(zone)));
    }

    @Test
    void startOffsetIsPaddedTo20DigitsSoKeysSort() {
        Template template = Template.parse("k", "{{topic}}+{{partition}}+{{start_offset}}.jsonl");
        assertEquals("web_logs+2+00000000000000000042.jsonl", template.render(values(42, "UTC")));
    }

    @Test
    void timestampFollowsTheTimeZone() {
        Template template = Template.parse("k", "{{timestamp:unit=yyyy}}/{{timestamp:unit=MM}}/"
                + "{{timestamp:unit=dd}}/{{timestamp:unit=HH}}");
        assertEquals("2025/01/01/00", template.render(values(0, "Europe/Berlin")));
        assertEquals("2024/12/31/18", template.render(values(0, "America/New_York")));
    }

    @Test
    void paddingCanBeSwitched() {
        Template template = Template.parse("k", "{{partition:padding=true}}-{{start_offset:padding=false}}");
        assertEquals("0000000002-7", template.render(values(7, "UTC")));
    }

    @Test
    void dailyIndexPatternAndSpacesInsidePlaceholders() {
        Template template = Template.parse("k", "web_logs-{{ timestamp:unit=yyyy.MM.dd }}");
        assertEquals("web_logs-2024.12.31", template.render(values(0, "UTC")));
        assertEquals(Set.of("timestamp"), template.variables());
    }

    @Test
    void largestOffsetStillFits() {
        assertEquals("09223372036854775807", Template.parse("k", "{{start_offset}}")
                .render(values(Long.MAX_VALUE, "UTC")));
    }

    @Test
    void rejectsUnknownAndMalformedPlaceholders() {
        assertThrows(ConfigException.class, () -> Template.parse("k", "{{key}}"));
        assertThrows(ConfigException.class, () -> Template.parse("k", "{{topic"));
        assertThrows(ConfigException.class, () -> Template.parse("k", "{{topic/{{partition}}"));
        assertThrows(ConfigException.class, () -> Template.parse("k", "{{Topic}}"));
        assertThrows(ConfigException.class, () -> Template.parse("k", "{{timestamp}}"));
        assertThrows(ConfigException.class, () -> Template.parse("k", "{{timestamp:unit=bbb}}"));
        assertThrows(ConfigException.class, () -> Template.parse("k", "{{topic:padding=true}}"));
        assertThrows(ConfigException.class, () -> Template.parse("k", "{{start_offset:padding=yes}}"));
    }
}
