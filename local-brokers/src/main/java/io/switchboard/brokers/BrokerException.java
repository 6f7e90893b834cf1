package io.switchboard.brokers;

/** A local broker could not be found, started, made ready or controlled; the message says why (and shows its log). */
public class BrokerException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BrokerException(String message) {
        super(message);
    }

    public BrokerException(String message, Throwable cause) {
        super(message, cause);
    }
}
