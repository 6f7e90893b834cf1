package io.switchboard;

import java.util.Objects;

/**
 * The state of one component of a driver (a connection, a leg of the hybrid driver), as reported by
 * {@link Switchboard#health()}.
 *
 * @param component what is reported on, e.g. {@code broadcast-leg (nats)}
 * @param status    {@link Status#UP} when it can take work now
 * @param detail    a short, secret-free explanation (endpoint, last error), may be empty
 */
public record Health(String component, Status status, String detail) {

    public enum Status { UP, DOWN }

    public Health {
        Objects.requireNonNull(component, "component");
        Objects.requireNonNull(status, "status");
        detail = detail == null ? "" : detail;
    }

    public static Health up(String component, String detail) {
        return new Health(component, Status.UP, detail);
    }

    public static Health down(String component, String detail) {
        return new Health(component, Status.DOWN, detail);
    }

    public boolean isUp() {
        return status == Status.UP;
    }
}
