package io.switchboard;

import io.switchboard.internal.CurrentDelivery;
import java.time.Instant;
import java.util.Optional;

/**
 * The delivery being handled on the current thread: the event, the group and the attempt number (1 for the first
 * delivery). Publishing from within a handler uses it to propagate correlation and causation ids. Code that hands
 * work to another thread can capture it with {@link #current()} and re-enter it with {@link #run(Runnable)}.
 */
public record DeliveryContext(Event<?> event, String group, int attempt, Instant firstFailureAt) {

    /** The delivery being handled by this thread, if any. */
    public static Optional<DeliveryContext> current() {
        return Optional.ofNullable(CurrentDelivery.get());
    }

    /** Runs {@code task} with this context as the current one (for work handed to another thread). */
    public void run(Runnable task) {
        CurrentDelivery.runWith(this, task);
    }
}
