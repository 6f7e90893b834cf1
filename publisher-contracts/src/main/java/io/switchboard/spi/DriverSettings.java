package io.switchboard.spi;

import io.switchboard.SwitchboardException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Settings for plain-Java driver creation, looked up by property name ({@code event.in-memory.buffer-size}). The
 * default source is a system property of that name, then the environment variable of the same name in upper case
 * with {@code .} and {@code -} as {@code _} ({@code EVENT_IN_MEMORY_BUFFER_SIZE}), the way Spring Boot binds them.
 */
public final class DriverSettings {

    private final Function<String, String> lookup;

    private DriverSettings(Function<String, String> lookup) {
        this.lookup = lookup;
    }

    /** System properties, then environment variables. */
    public static DriverSettings fromEnvironment() {
        return of(name -> {
            String value = System.getProperty(name);
            return value != null ? value : System.getenv(environmentName(name));
        });
    }

    public static DriverSettings of(Map<String, String> values) {
        return of(values::get);
    }

    public static DriverSettings of(Function<String, String> lookup) {
        return new DriverSettings(lookup);
    }

    /** {@code event.in-memory.buffer-size} becomes {@code EVENT_IN_MEMORY_BUFFER_SIZE}. */
    public static String environmentName(String property) {
        return property.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }

    /** The non-blank value of {@code name}, if set. */
    public Optional<String> get(String name) {
        String value = lookup.apply(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    public String get(String name, String defaultValue) {
        return get(name).orElse(defaultValue);
    }

    public int getInt(String name, int defaultValue) {
        return get(name).map(v -> {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw SwitchboardException.configuration(name + " must be a whole number, got '" + v + "'");
            }
        }).orElse(defaultValue);
    }

    /** A duration as ISO-8601 ({@code PT5S}) or a number with unit {@code ms}, {@code s}, {@code m} ({@code 500ms}). */
    public Duration getDuration(String name, Duration defaultValue) {
        return get(name).map(v -> parseDuration(name, v)).orElse(defaultValue);
    }

    static Duration parseDuration(String name, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("p")) {
                return Duration.parse(value.trim());
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).trim()));
            }
            if (v.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1).trim()));
            }
            if (v.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1).trim()));
            }
            return Duration.ofMillis(Long.parseLong(v));
        } catch (NumberFormatException | DateTimeParseException e) {
            throw SwitchboardException.configuration(name + " must be a duration such as '500ms', '5s', '1m' or "
                    + "'PT5S', got '" + value + "'");
        }
    }
}
