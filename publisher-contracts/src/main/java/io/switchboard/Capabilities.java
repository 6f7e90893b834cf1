package io.switchboard;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a driver promises, as a value. The compatibility test kit reads this and nothing else to decide what to
 * prove, and users read it to know what they get. Built with {@link #builder()}; validated at construction.
 *
 * @param delivery            at-most-once or at-least-once for group subscriptions
 * @param ordering            which ordering holds for events with the same ordering key (aggregate id)
 * @param orderingAcrossRetry whether a failed event blocks its key's successors until it succeeds or is dead-lettered
 * @param durability          what accepted events survive
 * @param competingConsumers  whether members of one group share the work
 * @param fanOutGroups        whether several groups each get every event
 * @param lateGroupStart      where a group created after events were published starts
 * @param publishDedupWindow  how long the broker drops a re-publish with the same event id ({@code ZERO}: never)
 * @param consumerDedupWindow how long consumer-side deduplication remembers a handled key ({@code ZERO}: off)
 * @param consumerDedupDurable whether that memory survives a consumer restart
 * @param deadLettering       who moves exhausted events to a dead-letter destination
 * @param batch               how {@link EventPublisher#publishAll} sends
 * @param maxBatchSize        the largest batch sent as one unit
 * @param maxPayloadBytes     the largest encoded event accepted
 * @param attemptCounter      whether {@link DeliveryContext#attempt()} is exact across redeliveries
 * @param destinations        what happens when publishing to a destination that does not exist yet
 * @param maxDeliveryLatency  p99 from publish to handler under test load; sizes the test kit's deadlines
 * @param maxRedeliveryLatency the longest extra wait beyond the back-off before a retry is delivered
 */
public record Capabilities(
        Delivery delivery,
        Ordering ordering,
        boolean orderingAcrossRetry,
        Durability durability,
        boolean competingConsumers,
        boolean fanOutGroups,
        LateGroupStart lateGroupStart,
        Duration publishDedupWindow,
        Duration consumerDedupWindow,
        boolean consumerDedupDurable,
        DeadLettering deadLettering,
        BatchMode batch,
        int maxBatchSize,
        int maxPayloadBytes,
        boolean attemptCounter,
        DestinationPolicy destinations,
        Duration maxDeliveryLatency,
        Duration maxRedeliveryLatency) {

    public enum Delivery { AT_MOST_ONCE, AT_LEAST_ONCE }

    public enum Ordering { NONE, PER_KEY_SINGLE_CONSUMER, PER_KEY, GLOBAL }

    public enum Durability { NONE, CONSUMER_RESTART, BROKER_RESTART }

    public enum LateGroupStart { EARLIEST, LATEST }

    public enum DeadLettering { NONE, LIBRARY, NATIVE }

    public enum BatchMode { NONE, ATOMIC, PARTIAL_WITH_REPORT }

    public enum DestinationPolicy { AUTO_CREATE, MUST_EXIST }

    public Capabilities {
        List<String> problems = new ArrayList<>();
        require(problems, delivery, "delivery");
        require(problems, ordering, "ordering");
        require(problems, durability, "durability");
        require(problems, lateGroupStart, "lateGroupStart");
        require(problems, publishDedupWindow, "publishDedupWindow");
        require(problems, consumerDedupWindow, "consumerDedupWindow");
        require(problems, deadLettering, "deadLettering");
        require(problems, batch, "batch");
        require(problems, destinations, "destinations");
        require(problems, maxDeliveryLatency, "maxDeliveryLatency");
        require(problems, maxRedeliveryLatency, "maxRedeliveryLatency");
        if (problems.isEmpty()) {
            if (deadLettering != DeadLettering.NONE && delivery != Delivery.AT_LEAST_ONCE) {
                problems.add("deadLettering " + deadLettering + " requires delivery AT_LEAST_ONCE");
            }
            if (orderingAcrossRetry && ordering == Ordering.NONE) {
                problems.add("orderingAcrossRetry requires an ordering other than NONE");
            }
            if (consumerDedupDurable && consumerDedupWindow.isZero()) {
                problems.add("consumerDedupDurable requires a consumerDedupWindow > 0");
            }
            if (publishDedupWindow.isNegative() || consumerDedupWindow.isNegative()) {
                problems.add("dedup windows must be >= 0");
            }
            if (maxBatchSize < 1) {
                problems.add("maxBatchSize must be >= 1, got " + maxBatchSize);
            }
            if (maxPayloadBytes < 1) {
                problems.add("maxPayloadBytes must be >= 1, got " + maxPayloadBytes);
            }
            if (maxDeliveryLatency.isZero() || maxDeliveryLatency.isNegative()) {
                problems.add("maxDeliveryLatency must be > 0");
            }
            if (maxRedeliveryLatency.isZero() || maxRedeliveryLatency.isNegative()) {
                problems.add("maxRedeliveryLatency must be > 0");
            }
        }
        if (!problems.isEmpty()) {
            throw SwitchboardException.configuration("Invalid capabilities: " + String.join("; ", problems));
        }
    }

    private static void require(List<String> problems, Object value, String name) {
        if (value == null) {
            problems.add(name + " must be set");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().delivery(delivery).ordering(ordering).orderingAcrossRetry(orderingAcrossRetry)
                .durability(durability).competingConsumers(competingConsumers).fanOutGroups(fanOutGroups)
                .lateGroupStart(lateGroupStart).publishDedupWindow(publishDedupWindow)
                .consumerDedup(consumerDedupWindow, consumerDedupDurable).deadLettering(deadLettering)
                .batch(batch, maxBatchSize).maxPayloadBytes(maxPayloadBytes).attemptCounter(attemptCounter)
                .destinations(destinations).maxDeliveryLatency(maxDeliveryLatency)
                .maxRedeliveryLatency(maxRedeliveryLatency);
    }

    /** Starts from the weakest promises; a driver states each stronger one explicitly. */
    public static final class Builder {
        private Delivery delivery = Delivery.AT_MOST_ONCE;
        private Ordering ordering = Ordering.NONE;
        private boolean orderingAcrossRetry;
        private Durability durability = Durability.NONE;
        private boolean competingConsumers;
        private boolean fanOutGroups;
        private LateGroupStart lateGroupStart = LateGroupStart.LATEST;
        private Duration publishDedupWindow = Duration.ZERO;
        private Duration consumerDedupWindow = Duration.ZERO;
        private boolean consumerDedupDurable;
        private DeadLettering deadLettering = DeadLettering.NONE;
        private BatchMode batch = BatchMode.NONE;
        private int maxBatchSize = 1;
        private int maxPayloadBytes = 1024 * 1024;
        private boolean attemptCounter;
        private DestinationPolicy destinations = DestinationPolicy.AUTO_CREATE;
        private Duration maxDeliveryLatency = Duration.ofSeconds(1);
        private Duration maxRedeliveryLatency = Duration.ofSeconds(1);

        private Builder() {
        }

        public Builder delivery(Delivery delivery) { this.delivery = delivery; return this; }

        public Builder ordering(Ordering ordering) { this.ordering = ordering; return this; }

        public Builder orderingAcrossRetry(boolean value) { this.orderingAcrossRetry = value; return this; }

        public Builder durability(Durability durability) { this.durability = durability; return this; }

        public Builder competingConsumers(boolean value) { this.competingConsumers = value; return this; }

        public Builder fanOutGroups(boolean value) { this.fanOutGroups = value; return this; }

        public Builder lateGroupStart(LateGroupStart value) { this.lateGroupStart = value; return this; }

        public Builder publishDedupWindow(Duration window) { this.publishDedupWindow = window; return this; }

        public Builder consumerDedup(Duration window, boolean durable) {
            this.consumerDedupWindow = window;
            this.consumerDedupDurable = durable;
            return this;
        }

        public Builder deadLettering(DeadLettering value) { this.deadLettering = value; return this; }

        public Builder batch(BatchMode mode, int maxBatchSize) {
            this.batch = mode;
            this.maxBatchSize = maxBatchSize;
            return this;
        }

        public Builder maxPayloadBytes(int bytes) { this.maxPayloadBytes = bytes; return this; }

        public Builder attemptCounter(boolean value) { this.attemptCounter = value; return this; }

        public Builder destinations(DestinationPolicy value) { this.destinations = value; return this; }

        public Builder maxDeliveryLatency(Duration value) { this.maxDeliveryLatency = value; return this; }

        public Builder maxRedeliveryLatency(Duration value) { this.maxRedeliveryLatency = value; return this; }

        public Capabilities build() {
            return new Capabilities(delivery, ordering, orderingAcrossRetry, durability, competingConsumers,
                    fanOutGroups, lateGroupStart, publishDedupWindow, consumerDedupWindow, consumerDedupDurable,
                    deadLettering, batch, maxBatchSize, maxPayloadBytes, attemptCounter, destinations,
                    maxDeliveryLatency, maxRedeliveryLatency);
        }
    }
}
