package io.switchboard.redis.internal;

import io.switchboard.EventPattern;

/**
 * The names the driver uses in Redis, all under one prefix ({@code events:} by default): a stream or channel per
 * event type ({@code events:billing.invoice.issued}), the registry set of stream names ({@code events:streams}) and
 * the dead-letter stream ({@code events:dead-letters}). Event types always contain a dot, the two bookkeeping names
 * never do, so they cannot collide with a type.
 */
public record RedisKeys(String prefix) {

    public String stream(String type) {
        return prefix + type;
    }

    public String channel(String type) {
        return prefix + type;
    }

    /** The set every stream name is added to, in the same script as its XADD. */
    public String registry() {
        return prefix + "streams";
    }

    public String deadLetters() {
        return prefix + "dead-letters";
    }

    /** The event type a stream or channel name stands for, or {@code null} if it is not one of ours. */
    public String typeOf(String name) {
        if (!name.startsWith(prefix)) {
            return null;
        }
        String type = name.substring(prefix.length());
        return type.indexOf('.') > 0 ? type : null;
    }

    /**
     * The PSUBSCRIBE glob for {@code pattern}: the prefix and literal segments with glob characters escaped,
     * {@code *} and {@code >} as {@code *}. A glob {@code *} also spans dots, so it matches a superset; deliveries are
     * filtered with {@link EventPattern#matches(String)} afterwards.
     */
    public String glob(EventPattern pattern) {
        StringBuilder glob = new StringBuilder(escapeGlob(prefix));
        String[] segments = pattern.value().split("\\.", -1);
        for (int i = 0; i < segments.length; i++) {
            if (i > 0) {
                glob.append('.');
            }
            String segment = segments[i];
            glob.append(segment.equals("*") || segment.equals(">") ? "*" : escapeGlob(segment));
        }
        return glob.toString();
    }

    static String escapeGlob(String literal) {
        StringBuilder out = new StringBuilder(literal.length());
        for (char c : literal.toCharArray()) {
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }
}
