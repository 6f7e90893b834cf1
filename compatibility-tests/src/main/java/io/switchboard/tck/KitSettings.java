package io.switchboard.tck;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Locale;

/**
 * How a run is configured, from system properties or environment variables (the property upper-cased, with
 * {@code _} for {@code .} and {@code -}):
 * <ul>
 * <li>{@code switchboard.tck.profile} — {@code smoke} (default), {@code standard}, {@code soak};
 * <li>{@code switchboard.tck.seed} — the seed to replay a failure; random by default, printed on failure;
 * <li>{@code switchboard.tck.timeout-multiplier} — scales every deadline and quiet window (default 1; raise it on
 * slow machines);
 * <li>{@code switchboard.tck.report-dir} — where reports go (default {@code target/compatibility}).
 * </ul>
 */
public record KitSettings(Profile profile, long seed, double timeoutMultiplier, Path reportDirectory) {

    public static final String PROFILE = "switchboard.tck.profile";
    public static final String SEED = "switchboard.tck.seed";
    public static final String TIMEOUT_MULTIPLIER = "switchboard.tck.timeout-multiplier";
    public static final String REPORT_DIR = "switchboard.tck.report-dir";

    public KitSettings {
        if (!(timeoutMultiplier > 0)) {
            throw new IllegalArgumentException(TIMEOUT_MULTIPLIER + " must be > 0, got " + timeoutMultiplier);
        }
    }

    public static KitSettings fromEnvironment() {
        Profile profile = Profile.parse(setting(PROFILE, "smoke"));
        String seed = setting(SEED, null);
        long s;
        try {
            s = seed == null ? new SecureRandom().nextLong() : Long.parseLong(seed);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(SEED + " must be a whole number, got '" + seed + "'");
        }
        double multiplier;
        try {
            multiplier = Double.parseDouble(setting(TIMEOUT_MULTIPLIER, "1"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(TIMEOUT_MULTIPLIER + " must be a number, got '"
                    + setting(TIMEOUT_MULTIPLIER, "") + "'");
        }
        return new KitSettings(profile, s, multiplier, Path.of(setting(REPORT_DIR, "target/compatibility")));
    }

    public KitSettings withProfile(Profile profile) {
        return new KitSettings(profile, seed, timeoutMultiplier, reportDirectory);
    }

    public KitSettings withSeed(long seed) {
        return new KitSettings(profile, seed, timeoutMultiplier, reportDirectory);
    }

    private static String setting(String property, String defaultValue) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(property.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT));
        }
        return value == null || value.isBlank() ? defaultValue : value.trim();
    }
}
