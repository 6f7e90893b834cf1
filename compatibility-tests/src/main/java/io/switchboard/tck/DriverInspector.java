package io.switchboard.tck;

import io.switchboard.DeadLetter;
import java.util.List;
import java.util.function.Supplier;

/** Reads a driver's broker-side state the kit cannot see through the API: its dead-letter destination. */
public interface DriverInspector {

    /** Every event dead-lettered through this driver so far, oldest first. */
    List<DeadLetter> deadLetters();

    static DriverInspector of(Supplier<List<DeadLetter>> deadLetters) {
        return deadLetters::get;
    }
}
