package io.switchboard.redis.internal;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.switchboard.SwitchboardException;
import io.switchboard.SwitchboardException.Reason;
import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** Turns lettuce's failures into the one {@link SwitchboardException}, with the reason a caller can act on. */
public final class RedisFailures {

    private RedisFailures() {
    }

    public static Reason reasonOf(Throwable failure) {
        Throwable f = unwrap(failure);
        if (f instanceof SwitchboardException se) {
            return se.reason();
        }
        if (f instanceof RedisCommandTimeoutException || f instanceof TimeoutException) {
            return Reason.TIMEOUT;
        }
        if (f instanceof RedisCommandInterruptedException || f instanceof InterruptedException) {
            return Reason.INTERRUPTED;
        }
        if (f instanceof RedisCommandExecutionException e) {
            String m = String.valueOf(e.getMessage());
            if (m.startsWith("LOADING") || m.startsWith("READONLY") || m.startsWith("MISCONF")
                    || m.startsWith("MASTERDOWN") || m.startsWith("TRYAGAIN") || m.startsWith("BUSY")) {
                return Reason.UNAVAILABLE;
            }
            return Reason.REJECTED; // OOM, NOPERM, WRONGTYPE...: the server refused the command
        }
        if (isQueueFull(f)) {
            return Reason.UNAVAILABLE;
        }
        if (f instanceof RedisConnectionException || f instanceof IOException) {
            return Reason.UNAVAILABLE;
        }
        String m = String.valueOf(f.getMessage()).toLowerCase(java.util.Locale.ROOT);
        if (m.contains("not connected") || m.contains("connection closed") || m.contains("connection reset")
                || m.contains("closed") || m.contains("disconnected")) {
            return Reason.UNAVAILABLE;
        }
        return Reason.DRIVER_ERROR;
    }

    /** A publish failure for one event, with the destination and a message that says what to check. */
    public static SwitchboardException forSend(Throwable failure, String eventId, String type, String destination,
            String endpoint) {
        Throwable f = unwrap(failure);
        if (f instanceof SwitchboardException se) {
            return se;
        }
        Reason reason = reasonOf(f);
        String text = switch (reason) {
            case TIMEOUT -> "Redis at " + endpoint + " did not acknowledge within the command timeout; the event "
                    + "may or may not have been written (retry with the same event id is safe)";
            case UNAVAILABLE -> isQueueFull(f) ? "Redis at " + endpoint + " has not answered the commands already "
                    + "waiting in the connection (" + f.getMessage() + "); nothing was sent"
                    : "Redis at " + endpoint + " is unavailable: " + f.getMessage();
            case REJECTED -> "Redis at " + endpoint + " refused the write: " + f.getMessage();
            case INTERRUPTED -> "Interrupted while waiting for Redis at " + endpoint;
            default -> "The Redis driver failed: " + f;
        };
        return SwitchboardException.forEvent(reason, eventId, type, destination, text, f);
    }

    /** Lettuce refused the command because its bounded queue of unanswered commands is full; it was not sent. */
    static boolean isQueueFull(Throwable f) {
        String m = String.valueOf(f.getMessage());
        return m.startsWith("Request queue size exceeded") || m.startsWith("Internal stack size exceeded");
    }

    public static Throwable unwrap(Throwable failure) {
        Throwable f = failure;
        while ((f instanceof CompletionException || f instanceof ExecutionException) && f.getCause() != null) {
            f = f.getCause();
        }
        return f;
    }
}
