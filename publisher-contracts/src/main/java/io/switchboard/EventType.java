package io.switchboard;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A concrete event type such as {@code billing.invoice.issued}: lowercase, dot-separated, at least two segments
 * (three recommended: {@code <context>.<aggregate>.<event-in-past-tense>}), each segment {@code [a-z0-9]} words
 * joined by {@code -}, at most {@value #MAX_LENGTH} characters. Wildcards belong to {@link EventPattern}, never here.
 */
public record EventType(String value) {

    public static final int MAX_LENGTH = 128;

    static final String EXAMPLE = "billing.invoice.issued";
    static final Pattern SEGMENT = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    public EventType {
        if (!wellFormed(value, false)) {
            String problem = problem(value, false);
            if (problem != null) {
                throw SwitchboardException.invalid(problem);
            }
        }
    }

    public static EventType of(String value) {
        return new EventType(value);
    }

    /** Whether {@code value} is a valid event type. */
    public static boolean isValid(String value) {
        return wellFormed(value, false) || problem(value, false) == null;
    }

    /** The first segment: the bounded context ({@code billing} in {@code billing.invoice.issued}). */
    public String context() {
        return value.substring(0, value.indexOf('.'));
    }

    @Override
    public String toString() {
        return value;
    }

    /**
     * Describes what is wrong with {@code value}, or returns {@code null} if it is valid. Shared with
     * {@link EventPattern}, which additionally allows wildcard segments.
     */
    static String problem(String value, boolean wildcardsAllowed) {
        String what = wildcardsAllowed ? "event pattern" : "event type";
        String rule = wildcardsAllowed
                ? "patterns are dot-separated lowercase segments, '*' for one segment and a final '>' for the rest, "
                        + "e.g. 'billing.*.paid', 'billing.>' or '>' for every type"
                : "types are lowercase, dot-separated, at least two segments of [a-z0-9] words joined by '-', e.g. '"
                        + EXAMPLE + "'";
        if (value == null) {
            return "The " + what + " must not be null: " + rule;
        }
        String shown = "'" + (value.length() > 60 ? value.substring(0, 60) + "..." : value) + "'";
        if (value.isBlank()) {
            return "The " + what + " must not be empty: " + rule;
        }
        if (value.length() > MAX_LENGTH) {
            return "Invalid " + what + " " + shown + ": it is " + value.length() + " characters long, the limit is "
                    + MAX_LENGTH + "; " + rule;
        }
        if (!wildcardsAllowed && (value.indexOf('*') >= 0 || value.indexOf('>') >= 0)) {
            return "Invalid " + what + " " + shown + ": wildcards ('*', '>') are for subscriptions, an event is "
                    + "published to one concrete type, e.g. '" + EXAMPLE + "'";
        }
        if (!value.equals(value.toLowerCase(java.util.Locale.ROOT))) {
            return "Invalid " + what + " " + shown + ": it must be lowercase; " + rule;
        }
        if (wildcardsAllowed && value.equals(">")) {
            return null; // every type
        }
        String[] segments = value.split("\\.", -1);
        if (segments.length < 2) {
            return "Invalid " + what + " " + shown + ": it needs at least two dot-separated segments "
                    + "(<context>.<aggregate>.<event>); " + rule;
        }
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            if (s.isEmpty()) {
                return "Invalid " + what + " " + shown + ": segment " + (i + 1) + " is empty (leading, trailing or "
                        + "doubled '.'); " + rule;
            }
            if (wildcardsAllowed && s.equals("*")) {
                continue;
            }
            if (wildcardsAllowed && s.equals(">")) {
                if (i != segments.length - 1) {
                    return "Invalid " + what + " " + shown + ": '>' may only be the last segment; " + rule;
                }
                continue;
            }
            if (!SEGMENT.matcher(s).matches()) {
                String detail = s.indexOf('_') >= 0 ? "underscores are not allowed, use '-'"
                        : "segment '" + s + "' may only hold [a-z0-9] words joined by single '-'";
                return "Invalid " + what + " " + shown + ": " + detail + "; " + rule;
            }
        }
        return null;
    }

    /**
     * A check of the rules of {@link #problem} in one pass without allocating, run on every event published and
     * received: {@code true} only if {@code value} is valid. It may be stricter than {@link #problem}, never more
     * lenient, so callers take {@code false} as "ask {@link #problem} what is wrong" (which also words the error).
     */
    static boolean wellFormed(String value, boolean wildcardsAllowed) {
        if (value == null) {
            return false;
        }
        int n = value.length();
        if (n == 0 || n > MAX_LENGTH) {
            return false;
        }
        int segments = 0;
        int i = 0;
        while (true) {
            char first = i < n ? value.charAt(i) : '.';
            if (wildcardsAllowed && (first == '*' || first == '>')) {
                i++;
                if (i < n && (first == '>' || value.charAt(i) != '.')) {
                    return false; // '>' only last; a wildcard is a whole segment
                }
            } else {
                boolean endsInWord = false; // [a-z0-9]+ ( '-' [a-z0-9]+ )*
                for (char c; i < n && (c = value.charAt(i)) != '.'; i++) {
                    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                        endsInWord = true;
                    } else if (c == '-' && endsInWord) {
                        endsInWord = false;
                    } else {
                        return false;
                    }
                }
                if (!endsInWord) {
                    return false; // empty segment, or a '-' at its end
                }
            }
            segments++;
            if (i == n) {
                return segments >= 2 || (wildcardsAllowed && n == 1 && first == '>');
            }
            i++; // the '.'
        }
    }

    static String requireValue(EventType type) {
        return Objects.requireNonNull(type, "type").value();
    }
}
