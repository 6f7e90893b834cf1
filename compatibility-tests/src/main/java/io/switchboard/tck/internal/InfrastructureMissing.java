package io.switchboard.tck.internal;

/** Thrown by a scenario that needs something the fixture does not provide (an inspector, broker control). */
public final class InfrastructureMissing extends RuntimeException {

    public InfrastructureMissing(String message) {
        super(message, null, false, false);
    }
}
