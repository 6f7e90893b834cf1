package io.switchboard.tck.internal;

import io.switchboard.tck.internal.Ledger.Handling;
import io.switchboard.tck.internal.Ledger.Outcome;
import io.switchboard.tck.internal.Ledger.Published;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Derives, for one group, what the ledger shows against what was published: lost (acknowledged publishes never
 * handled successfully), duplicated (successful handlings beyond the first), unexpected (handled but never
 * published, or published with a definite failure), reordered (a key's sequence going backwards among first
 * successful handlings) and recovered (indeterminate publishes that arrived after all).
 */
public final class Checker {

    /** The figures for one group. */
    public record Verdict(String group, int expected, int delivered, int lost, int duplicated, int unexpected,
            int reordered, int recovered, List<String> lostSample, List<String> duplicatedSample,
            List<String> unexpectedSample, List<String> reorderedSample) {

        public String summary() {
            return "group " + group + ": expected " + expected + ", delivered " + delivered + ", lost " + lost
                    + (lost > 0 ? " " + lostSample : "") + ", duplicated " + duplicated
                    + (duplicated > 0 ? " " + duplicatedSample : "") + ", unexpected " + unexpected
                    + (unexpected > 0 ? " " + unexpectedSample : "") + ", reordered " + reordered
                    + (reordered > 0 ? " " + reorderedSample : "") + ", recovered " + recovered;
        }
    }

    private Checker() {
    }

    /**
     * Checks {@code group} against the publishes selected by {@code expected} (only those acknowledged OK are owed;
     * indeterminate ones may arrive as "recovered").
     */
    public static Verdict check(Ledger ledger, String group, Predicate<Published> expected) {
        List<Published> candidates = ledger.publishes(expected);
        Set<String> owed = new LinkedHashSet<>();
        Set<String> indeterminate = new HashSet<>();
        Set<String> failed = new HashSet<>();
        for (Published p : candidates) {
            switch (p.outcome()) {
                case OK -> owed.add(p.eventId());
                case INDETERMINATE, PENDING -> indeterminate.add(p.eventId());
                case FAILED -> failed.add(p.eventId());
            }
        }
        Map<String, Integer> successes = new LinkedHashMap<>();
        Set<String> unexpected = new LinkedHashSet<>();
        Set<String> duplicated = new LinkedHashSet<>();
        Map<String, Long> highestSeq = new HashMap<>();
        List<String> reordered = new java.util.ArrayList<>();
        int duplicates = 0;
        for (Handling h : ledger.successes(group)) {
            int n = successes.merge(h.eventId(), 1, Integer::sum);
            if (n > 1) {
                duplicates++;
                duplicated.add(h.eventId());
                continue; // a re-read of an older event is a duplicate, not a reordering
            }
            if (!owed.contains(h.eventId()) && !indeterminate.contains(h.eventId())) {
                unexpected.add(h.eventId() + (failed.contains(h.eventId()) ? " (publish failed)" : ""));
            }
            if (h.key() != null && h.seq() >= 0) {
                Long highest = highestSeq.get(h.key());
                if (highest != null && h.seq() < highest) {
                    reordered.add(h.key() + "#" + h.seq() + " after #" + highest);
                } else {
                    highestSeq.put(h.key(), h.seq());
                }
            }
        }
        Set<String> lost = new LinkedHashSet<>(owed);
        lost.removeAll(successes.keySet());
        int recovered = (int) indeterminate.stream().filter(successes::containsKey).count();
        int delivered = (int) successes.keySet().stream().filter(owed::contains).count();
        return new Verdict(group, owed.size(), delivered, lost.size(), duplicates, unexpected.size(),
                reordered.size(), recovered, Ledger.sample(lost), Ledger.sample(duplicated),
                Ledger.sample(unexpected), Ledger.sample(reordered));
    }

    /** All publishes of {@code type}. */
    public static Predicate<Published> ofType(String type) {
        return p -> p.type().equals(type);
    }

    /** Every publish. */
    public static Predicate<Published> all() {
        return p -> true;
    }

    static boolean isOk(Published p) {
        return p.outcome() == Outcome.OK;
    }
}
