package io.switchboard.internal;

import io.switchboard.DeliveryContext;

/** Holds the {@link DeliveryContext} of the handler running on the current thread. */
public final class CurrentDelivery {

    private static final ThreadLocal<DeliveryContext> CURRENT = new ThreadLocal<>();

    private CurrentDelivery() {
    }

    public static DeliveryContext get() {
        return CURRENT.get();
    }

    public static void runWith(DeliveryContext context, Runnable task) {
        DeliveryContext previous = CURRENT.get();
        CURRENT.set(context);
        try {
            task.run();
        } finally {
            restore(previous);
        }
    }

    /** Sets {@code context} and returns the previous one, to be passed to {@link #restore}. */
    public static DeliveryContext enter(DeliveryContext context) {
        DeliveryContext previous = CURRENT.get();
        CURRENT.set(context);
        return previous;
    }

    public static void restore(DeliveryContext previous) {
        if (previous == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(previous);
        }
    }
}
