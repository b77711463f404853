package io.streamlab.connect.common;

import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigException;

/**
 * A name template in the Aiven connectors' syntax: literal text with {@code {{topic}}},
 * {@code {{partition}}}, {@code {{start_offset}}} and {@code {{timestamp:unit=PATTERN}}}
 * placeholders ({@code PATTERN} is a {@link DateTimeFormatter} pattern such as {@code yyyy},
 * {@code HH} or {@code yyyy.MM.dd}).
 *
 * <p>{@code {{start_offset}}} is zero-padded to 20 digits so that object keys sort in offset
 * order; {@code {{partition:padding=true}}} pads the partition to 10 digits. Both take
 * {@code padding=true|false} as in Aiven's syntax.
 */
public final class Template {
    private static final Pattern PLACEHOLDER =
            Pattern.compile("\\{\\{\\s*([a-z_]+)(?::([a-z_]+)=([^}]*?))?\\s*}}");

    private final String text;
    private final List<Function<TemplateValues, String>> parts;
    private final Set<String> variables;

    private Template(String text, List<Function<TemplateValues, String>> parts, Set<String> variables) {
        this.text = text;
        this.parts = parts;
        this.variables = variables;
    }

    /** Parses a template; throws {@link ConfigException} on an unknown or malformed placeholder. */
    public static Template parse(String configKey, String text) {
        List<Function<TemplateValues, String>> parts = new ArrayList<>();
        Set<String> variables = new LinkedHashSet<>();
        Matcher matcher = PLACEHOLDER.matcher(text);
        int literalStart = 0;
        while (matcher.find()) {
            addLiteral(parts, configKey, text, text.substring(literalStart, matcher.start()));
            Placeholder placeholder = new Placeholder(matcher.group(1), matcher.group(2), matcher.group(3));
            parts.add(placeholder.renderer(configKey, text));
            variables.add(placeholder.name);
            literalStart = matcher.end();
        }
        addLiteral(parts, configKey, text, text.substring(literalStart));
        return new Template(text, List.copyOf(parts), Collections.unmodifiableSet(variables));
    }

    private static void addLiteral(
            List<Function<TemplateValues, String>> parts, String configKey, String text, String literal) {
        if (literal.contains("{{") || literal.contains("}}")) {
            throw new ConfigException(configKey, text, "malformed placeholder in '" + literal + "'");
        }
        if (!literal.isEmpty()) {
            parts.add(values -> literal);
        }
    }

    /** The placeholder names this template uses, such as "topic" or "timestamp". */
    public Set<String> variables() {
        return variables;
    }

    /** Fills in every placeholder. */
    public String render(TemplateValues values) {
        StringBuilder out = new StringBuilder();
        for (Function<TemplateValues, String> part : parts) {
            out.append(part.apply(values));
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return text;
    }

    /** One {@code {{name:param=value}}} occurrence. */
    private record Placeholder(String name, String param, String value) {
        Function<TemplateValues, String> renderer(String configKey, String text) {
            return switch (name) {
                case "topic" -> noParam(configKey, text, TemplateValues::topic);
                case "partition" -> padded(configKey, text, false, 10, v -> (long) v.partition());
                case "start_offset" -> padded(configKey, text, true, 20, TemplateValues::startOffset);
                case "timestamp" -> timestamp(configKey, text);
                default -> throw new ConfigException(configKey, text, "unknown placeholder {{" + name + "}}");
            };
        }

        private Function<TemplateValues, String> noParam(
                String configKey, String text, Function<TemplateValues, String> getter) {
            if (param != null) {
                throw new ConfigException(configKey, text, "{{" + name + "}} takes no parameter");
            }
            return getter;
        }

        private Function<TemplateValues, String> padded(
                String configKey, String text, boolean byDefault, int width, Function<TemplateValues, Long> getter) {
            boolean pad = byDefault;
            if (param != null) {
                if (!param.equals("padding") || !(value.equals("true") || value.equals("false"))) {
                    throw new ConfigException(configKey, text, "{{" + name + "}} takes only padding=true|false");
                }
                pad = Boolean.parseBoolean(value);
            }
            String format = pad ? "%0" + width + "d" : "%d";
            return values -> String.format(Locale.ROOT, format, getter.apply(values));
        }

        private Function<TemplateValues, String> timestamp(String configKey, String text) {
            if (!"unit".equals(param) || value.isBlank()) {
                throw new ConfigException(configKey, text, "use {{timestamp:unit=PATTERN}}, e.g. unit=yyyy");
            }
            DateTimeFormatter formatter;
            try {
                formatter = DateTimeFormatter.ofPattern(value, Locale.ROOT);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(configKey, text, "bad timestamp unit '" + value + "': " + e.getMessage());
            }
            return values -> formatter.format(values.timestamp());
        }
    }
}
