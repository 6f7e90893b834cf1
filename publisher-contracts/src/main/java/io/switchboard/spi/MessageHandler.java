package io.switchboard.spi;

/**
 * Given to a driver by {@link io.switchboard.Switchboard} for each subscription: decodes, deduplicates and runs the
 * user's handler, and says what the driver must do next. It never throws; handler failures, including
 * {@link Error}s, come back as outcomes. Called on the driver's consumer threads; safe to call concurrently.
 */
@FunctionalInterface
public interface MessageHandler {

    DeliveryOutcome handle(InboundMessage message);
}
