package io.switchboard.internal;

import io.switchboard.SwitchboardMetrics;
import java.util.concurrent.atomic.LongAdder;

/** The live counters behind {@link SwitchboardMetrics}. */
public final class Counters {

    public final LongAdder published = new LongAdder();
    public final LongAdder publishFailures = new LongAdder();
    public final LongAdder handled = new LongAdder();
    public final LongAdder handlerFailures = new LongAdder();
    public final LongAdder retries = new LongAdder();
    public final LongAdder deadLettered = new LongAdder();
    public final LongAdder duplicatesSkipped = new LongAdder();
    public final LongAdder released = new LongAdder();

    public SwitchboardMetrics snapshot() {
        return new SwitchboardMetrics(published.sum(), publishFailures.sum(), handled.sum(), handlerFailures.sum(),
                retries.sum(), deadLettered.sum(), duplicatesSkipped.sum(), released.sum());
    }
}
