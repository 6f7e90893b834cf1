package io.switchboard.tck.internal;

/** Thrown by a scenario that cannot check its promise against this driver, with the precise reason. */
public final class NotVerified extends RuntimeException {

    public NotVerified(String message) {
        super(message, null, false, false);
    }
}
