package io.switchboard.tck;

import java.util.Locale;

/**
 * How hard the kit pushes: {@code smoke} on every build, {@code standard} before calling a driver conformant,
 * {@code soak} on demand (standard sizes, each scenario repeated with 10 seeds). Sizes follow TCK.md.
 */
public enum Profile {
    SMOKE(new Sizes(100, 100, 200, 100, 16, 10, 100, 10, 10, 20, 20, 20, 50, 1_000, 10, 1), 1),
    STANDARD(new Sizes(100, 100, 5_000, 1_000, 16, 10, 5_000, 50, 50, 200, 20, 100, 50, 10_000, 100, 5), 1),
    SOAK(STANDARD.sizes, 10);

    /**
     * Event counts per scenario.
     *
     * @param fidelity       F1 events
     * @param retries        R1 events
     * @param unacked        R4 events
     * @param ordered        O1/O2 events
     * @param keys           O1/O2 keys
     * @param orderedMembers O2 members
     * @param competing      G1 events
     * @param members        G1 members
     * @param publishers     K1 threads
     * @param perPublisher   K1 events per thread
     * @param topics         K3 topics
     * @param perTopic       K3 events per topic
     * @param fanOut         M1 events
     * @param restartEvents  X1 events
     * @param restartPublishers X1 threads
     * @param groupsFactor   M1 is run with 2 groups and with this many (when above 2) more
     */
    public record Sizes(int fidelity, int retries, int unacked, int ordered, int keys, int orderedMembers,
            int competing, int members, int publishers, int perPublisher, int topics, int perTopic, int fanOut,
            int restartEvents, int restartPublishers, int groupsFactor) {
    }

    private final Sizes sizes;
    private final int repeats;

    Profile(Sizes sizes, int repeats) {
        this.sizes = sizes;
        this.repeats = repeats;
    }

    public Sizes sizes() {
        return sizes;
    }

    /** How many times each scenario runs, each time with its own seed. */
    public int repeats() {
        return repeats;
    }

    public static Profile parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown TCK profile '" + value + "': use smoke, standard or soak");
        }
    }
}
