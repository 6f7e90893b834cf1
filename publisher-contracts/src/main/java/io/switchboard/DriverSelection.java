package io.switchboard;

import io.switchboard.spi.DriverSettings;
import io.switchboard.spi.EventDriver;
import io.switchboard.spi.EventDriverProvider;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which driver {@code EVENT_DRIVER} names, and the errors when it names none. Used by plain-Java start-up
 * ({@link Switchboard#fromEnvironment()}) and by the Spring Boot auto-configuration, so both say the same thing.
 */
public final class DriverSelection {

    /** The Spring property; {@code EVENT_DRIVER} sets it by relaxed binding. */
    public static final String PROPERTY = "event.driver";
    public static final String ENVIRONMENT_VARIABLE = "EVENT_DRIVER";
    /** The driver used when {@code EVENT_DRIVER} is unset. */
    public static final String DEFAULT = "hybrid";

    public static final String IN_MEMORY = "in-memory";
    public static final String KAFKA = "kafka";
    public static final String SQS = "sqs";
    public static final String REDIS = "redis";
    public static final String HYBRID = "hybrid";

    /** The built-in drivers and the artifact each one lives in. */
    private static final Map<String, String> BUILT_IN;

    static {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(IN_MEMORY, "io.switchboard:publisher-inmemory");
        m.put(KAFKA, "io.switchboard:publisher-kafka");
        m.put(SQS, "io.switchboard:publisher-sqs");
        m.put(REDIS, "io.switchboard:publisher-redis");
        m.put(HYBRID, "io.switchboard:publisher-nats-hybrid");
        BUILT_IN = Map.copyOf(m);
    }

    private DriverSelection() {
    }

    /** The selected name: {@code value} trimmed and lower-cased, or {@link #DEFAULT} when blank. */
    public static String normalize(String value) {
        return value == null || value.isBlank() ? DEFAULT : value.trim().toLowerCase(java.util.Locale.ROOT);
    }

    /** Every valid value: the built-in drivers plus those registered by third-party providers. */
    public static Set<String> validNames(Set<String> discovered) {
        Set<String> names = new TreeSet<>(BUILT_IN.keySet());
        names.addAll(discovered);
        return names;
    }

    public static boolean isBuiltIn(String name) {
        return BUILT_IN.containsKey(name);
    }

    /** The message for an {@code EVENT_DRIVER} value that names no driver. */
    public static String unknownDriverMessage(String value, Set<String> validNames) {
        return "Unknown event driver '" + value + "' (set by " + PROPERTY + " / " + ENVIRONMENT_VARIABLE
                + "). Valid values: " + String.join(", ", validNames) + ". Leave it unset for the default, '"
                + DEFAULT + "'.";
    }

    /** The message for a built-in driver whose module is not on the classpath. */
    public static String missingModuleMessage(String name) {
        return "The event driver '" + name + "' is selected (" + PROPERTY + " / " + ENVIRONMENT_VARIABLE
                + ") but its module is not on the classpath: add the dependency " + BUILT_IN.get(name)
                + (name.equals(DEFAULT) ? " (the default driver), or set " + ENVIRONMENT_VARIABLE
                        + " to another driver" : "") + ".";
    }

    /** Creates the driver named by {@code event.driver} / {@code EVENT_DRIVER} in {@code settings}. */
    public static EventDriver createDriver(DriverSettings settings) {
        return createDriver(settings, DriverSelection.class.getClassLoader());
    }

    /** As {@link #createDriver(DriverSettings)}, finding providers with {@code classLoader}. */
    public static EventDriver createDriver(DriverSettings settings, ClassLoader classLoader) {
        String name = normalize(settings.get(PROPERTY).or(() -> settings.get(ENVIRONMENT_VARIABLE)).orElse(null));
        Map<String, EventDriverProvider> providers = providers(classLoader);
        EventDriverProvider provider = providers.get(name);
        if (provider != null) {
            return provider.create(settings);
        }
        if (isBuiltIn(name)) {
            throw SwitchboardException.configuration(missingModuleMessage(name));
        }
        throw SwitchboardException.configuration(unknownDriverMessage(name, validNames(providers.keySet())));
    }

    /** The registered {@link EventDriverProvider}s by name, the first registration of a name winning. */
    public static Map<String, EventDriverProvider> providers(ClassLoader classLoader) {
        Map<String, EventDriverProvider> providers = new LinkedHashMap<>();
        for (EventDriverProvider p : ServiceLoader.load(EventDriverProvider.class, classLoader)) {
            providers.putIfAbsent(p.name(), p);
        }
        return providers;
    }
}
