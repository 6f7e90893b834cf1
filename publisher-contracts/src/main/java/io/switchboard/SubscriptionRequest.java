package io.switchboard;

import java.util.regex.Pattern;

/**
 * What to subscribe: pattern, group (or broadcast), the data type to convert to, the handler, and optional overrides
 * of the retry policy, idempotency key and concurrency ({@code null} / {@code 0} mean "the publisher's default").
 */
public record SubscriptionRequest<T>(
        EventPattern pattern,
        String group,
        Class<T> dataType,
        EventHandler<T> handler,
        RetryPolicy retryPolicy,
        IdempotencyKey idempotencyKey,
        int maxConcurrency) {

    private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    public SubscriptionRequest {
        if (pattern == null) {
            throw SwitchboardException.invalid(EventType.problem(null, true));
        }
        if (group != null && !GROUP.matcher(group).matches()) {
            throw SwitchboardException.invalid("Invalid group '" + group + "': 1..100 characters of letters, digits, "
                    + "'.', '_' or '-', starting with a letter or digit, e.g. 'notifications'");
        }
        if (dataType == null) {
            throw SwitchboardException.invalid("The data type must not be null; use Object.class (or Map.class) for "
                    + "untyped data");
        }
        if (handler == null) {
            throw SwitchboardException.invalid("The handler must not be null (pattern " + pattern + ")");
        }
        if (maxConcurrency < 0) {
            throw SwitchboardException.invalid("maxConcurrency must be >= 1 (or 0 for the default), got "
                    + maxConcurrency);
        }
    }

    public static <T> SubscriptionRequest<T> group(String group, String pattern, Class<T> dataType,
            EventHandler<T> handler) {
        if (group == null) {
            throw SwitchboardException.invalid("The group must not be null; use broadcast(...) for a subscription "
                    + "without group");
        }
        return new SubscriptionRequest<>(EventPattern.of(pattern), group, dataType, handler, null, null, 0);
    }

    public static <T> SubscriptionRequest<T> broadcast(String pattern, Class<T> dataType, EventHandler<T> handler) {
        return new SubscriptionRequest<>(EventPattern.of(pattern), null, dataType, handler, null, null, 0);
    }

    public boolean isBroadcast() {
        return group == null;
    }

    public SubscriptionRequest<T> withRetryPolicy(RetryPolicy retryPolicy) {
        return new SubscriptionRequest<>(pattern, group, dataType, handler, retryPolicy, idempotencyKey,
                maxConcurrency);
    }

    public SubscriptionRequest<T> withIdempotencyKey(IdempotencyKey idempotencyKey) {
        return new SubscriptionRequest<>(pattern, group, dataType, handler, retryPolicy, idempotencyKey,
                maxConcurrency);
    }

    public SubscriptionRequest<T> withMaxConcurrency(int maxConcurrency) {
        return new SubscriptionRequest<>(pattern, group, dataType, handler, retryPolicy, idempotencyKey,
                maxConcurrency);
    }
}
