package io.switchboard;

/**
 * Counters of one {@link Switchboard}, as a snapshot. {@code handled + deadLettered + released} plus the deliveries
 * in flight equals the first attempts plus {@code retries}; {@code duplicatesSkipped} deliveries were acknowledged
 * without running the handler.
 *
 * @param published         publishes acknowledged by the driver
 * @param publishFailures   publishes that failed (invalid input included)
 * @param handled           deliveries whose handler returned normally
 * @param handlerFailures   handler attempts that threw (each retry and the final failure count)
 * @param retries           failed attempts that were scheduled for another attempt
 * @param deadLettered      deliveries sent to the dead-letter destination (malformed payloads included)
 * @param duplicatesSkipped deliveries acknowledged without running the handler because their key was handled
 * @param released          deliveries left for redelivery without using an attempt: cancelled by shutdown, or
 *                          arriving while another delivery of the same key was being handled
 */
public record SwitchboardMetrics(long published, long publishFailures, long handled, long handlerFailures,
        long retries, long deadLettered, long duplicatesSkipped, long released) {
}
