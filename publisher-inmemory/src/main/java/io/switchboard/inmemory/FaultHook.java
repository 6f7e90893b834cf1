package io.switchboard.inmemory;

import io.switchboard.spi.OutboundMessage;
import java.time.Duration;
import java.util.Objects;

/**
 * Decides, for every message sent to an {@link InMemoryDriver}, whether it is delivered faithfully or suffers a
 * simulated broker fault. For tests: the compatibility kit uses it to build deliberately broken drivers and check
 * that its scenarios catch them. The default, {@link #NONE}, delivers everything. Called on the publishing thread;
 * it must be thread-safe if publishers are.
 */
@FunctionalInterface
public interface FaultHook {

    /** Delivers every message as sent. */
    FaultHook NONE = message -> Decision.deliver();

    Decision onSend(OutboundMessage message);

    /** What happens to one sent message. */
    record Decision(Kind kind, Duration delay) {

        public enum Kind {
            /** Enqueued as usual. */
            DELIVER,
            /** The send reports success but nothing is enqueued: a lost message. */
            DROP,
            /** Enqueued twice, as a broker that redelivers or a producer that re-sends would. */
            DUPLICATE,
            /** Enqueued only after {@code delay}; the send completes then. */
            DELAY
        }

        private static final Decision DELIVER = new Decision(Kind.DELIVER, Duration.ZERO);
        private static final Decision DROP = new Decision(Kind.DROP, Duration.ZERO);
        private static final Decision DUPLICATE = new Decision(Kind.DUPLICATE, Duration.ZERO);

        public Decision {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(delay, "delay");
            if (delay.isNegative() || (kind != Kind.DELAY && !delay.isZero())) {
                throw new IllegalArgumentException("Only DELAY takes a delay, and it must be >= 0; got " + kind
                        + " with " + delay);
            }
        }

        public static Decision deliver() {
            return DELIVER;
        }

        public static Decision drop() {
            return DROP;
        }

        public static Decision duplicate() {
            return DUPLICATE;
        }

        /** Enqueue after {@code delay}, measured on the driver's clock (so a {@link ManualClock} must be advanced). */
        public static Decision delay(Duration delay) {
            return new Decision(Kind.DELAY, delay);
        }
    }
}
