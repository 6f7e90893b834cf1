package io.switchboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.spi.DeliveryOutcome;
import io.switchboard.spi.InboundMessage;
import io.switchboard.testing.MutableClock;
import io.switchboard.testing.RecordingDriver;
import io.switchboard.testing.SerializingCodec;
import java.io.IOException;
import java.io.Serializable;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The consuming half of the core, driven through the {@link io.switchboard.spi.MessageHandler} a driver receives:
 * handler outcomes, retry decisions, dead-letter metadata, consumer-side idempotency and counters.
 */
class SwitchboardDeliveryTest {

    private static final String TYPE = "billing.invoice.issued";
    private static final Instant T0 = Instant.parse("2024-01-15T10:30:00Z");

    record InvoiceIssued(String invoiceNumber, long amount) implements Serializable {
    }

    private final SerializingCodec codec = new SerializingCodec();
    private final MutableClock clock = new MutableClock(T0);
    private final RecordingDriver driver = new RecordingDriver();
    private final Switchboard switchboard = Switchboard.builder(driver).codec(codec).clock(clock).build();
    private final AtomicInteger calls = new AtomicInteger();

    @AfterEach
    void close() {
        switchboard.close();
    }

    @Test
    void aHandlerThatReturnsAcknowledgesAndSeesItsDelivery() {
        AtomicReference<Event<InvoiceIssued>> received = new AtomicReference<>();
        AtomicReference<DeliveryContext> context = new AtomicReference<>();
        switchboard.subscribe("billing", TYPE, InvoiceIssued.class, e -> {
            received.set(e);
            context.set(DeliveryContext.current().orElseThrow());
        });
        Event<InvoiceIssued> event = invoice();

        DeliveryOutcome outcome = driver.consumer().deliver(codec.encode(event));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Ack.class);
        assertThat(received.get()).isEqualTo(event);
        assertThat(context.get().group()).isEqualTo("billing");
        assertThat(context.get().attempt()).isEqualTo(1);
        assertThat(context.get().event()).isEqualTo(event);
        assertThat(DeliveryContext.current()).as("cleared after the handler").isEmpty();
        assertThat(driver.consumer().spec().group()).isEqualTo("billing");
        assertThat(driver.consumer().spec().retryPolicy()).isEqualTo(RetryPolicy.defaults());
    }

    @Test
    void aFailedFirstAttemptIsRetriedAfterOneSecond() {
        IllegalStateException boom = new IllegalStateException("boom");
        subscribeThrowing(boom);

        DeliveryOutcome outcome = driver.consumer().deliver(codec.encode(invoice()));

        assertThat(outcome).isEqualTo(new DeliveryOutcome.Retry(Duration.ofSeconds(1), T0, boom));
    }

    @Test
    void theSecondAttemptWaitsTwiceAsLongAndKeepsTheFirstFailureTime() {
        subscribeThrowing(new IllegalStateException("boom"));
        clock.advance(Duration.ofSeconds(1));

        DeliveryOutcome outcome = driver.consumer().deliver(codec.encode(invoice()), 2, T0);

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Retry.class);
        assertThat(((DeliveryOutcome.Retry) outcome).delay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(((DeliveryOutcome.Retry) outcome).firstFailureAt()).isEqualTo(T0);
    }

    @Test
    void theLastAttemptDeadLettersWithEveryMetadataKeyAndTheOriginalBytes() throws Exception {
        IllegalStateException boom = new IllegalStateException("boom");
        subscribeThrowing(boom);
        Event<InvoiceIssued> event = invoice();
        byte[] payload = codec.encode(event);
        clock.advance(Duration.ofSeconds(3));

        DeliveryOutcome outcome = driver.consumer().deliver(payload, 3, T0);

        assertThat(outcome).isInstanceOf(DeliveryOutcome.DeadLettered.class);
        DeliveryOutcome.DeadLettered dead = (DeliveryOutcome.DeadLettered) outcome;
        assertThat(dead.failure()).isSameAs(boom);
        DeadLetter letter = dead.deadLetter();
        assertThat(letter.payload()).isEqualTo(payload);
        assertThat(letter.metadata()).containsOnlyKeys(allDeadLetterKeys());
        assertThat(letter.get(DeadLetter.Keys.SOURCE)).isEqualTo(TYPE);
        assertThat(letter.get(DeadLetter.Keys.GROUP)).isEqualTo("billing");
        assertThat(letter.attempts()).isEqualTo(3);
        assertThat(letter.get(DeadLetter.Keys.FIRST_FAILURE_AT)).isEqualTo(T0.toString());
        assertThat(letter.get(DeadLetter.Keys.LAST_FAILURE_AT)).isEqualTo(T0.plusSeconds(3).toString());
        assertThat(letter.get(DeadLetter.Keys.EXCEPTION_CLASS)).isEqualTo(IllegalStateException.class.getName());
        assertThat(letter.get(DeadLetter.Keys.EXCEPTION_MESSAGE)).isEqualTo("boom");
        assertThat(letter.get(DeadLetter.Keys.EXCEPTION_STACKTRACE))
                .startsWith("java.lang.IllegalStateException: boom").contains("SwitchboardDeliveryTest");
        assertThat(letter.get(DeadLetter.Keys.REASON)).isEqualTo("attempts-exhausted");
        assertThat(letter.get(DeadLetter.Keys.EVENT_ID)).isEqualTo(event.id());
        assertThat(letter.get(DeadLetter.Keys.ORIGINAL_MESSAGE_ID)).isEqualTo("msg-3");
    }

    @Test
    void aNonRetryableFailureIsDeadLetteredOnTheFirstAttempt() {
        switchboard.subscribe(SubscriptionRequest.<InvoiceIssued>group("billing", TYPE, InvoiceIssued.class, e -> {
            throw new IllegalArgumentException("bad invoice");
        }).withRetryPolicy(RetryPolicy.defaults().withNonRetryable(Set.of(IllegalArgumentException.class))));

        DeliveryOutcome outcome = driver.consumer().deliver(codec.encode(invoice()));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.DeadLettered.class);
        DeadLetter letter = ((DeliveryOutcome.DeadLettered) outcome).deadLetter();
        assertThat(letter.get(DeadLetter.Keys.REASON)).isEqualTo("non-retryable");
        assertThat(letter.attempts()).isEqualTo(1);
        assertThat(letter.get(DeadLetter.Keys.FIRST_FAILURE_AT)).isEqualTo(letter.get(DeadLetter.Keys.LAST_FAILURE_AT));
    }

    @Test
    void errorsAndCheckedExceptionsAreRetriedNotThrown() {
        List<Throwable> failures = List.of(new StackOverflowError(), new AssertionError("assert"),
                new IOException("disk"), new Exception("checked"));
        for (Throwable failure : failures) {
            RecordingDriver.Consumer consumer = subscribeThrowing(failure);

            DeliveryOutcome outcome = consumer.deliver(codec.encode(invoice()));

            assertThat(outcome).as(failure.toString()).isInstanceOf(DeliveryOutcome.Retry.class);
            assertThat(((DeliveryOutcome.Retry) outcome).failure()).isSameAs(failure);
        }
    }

    @Test
    void aHandlerInterruptedByShutdownIsReleasedWithoutUsingAnAttempt() {
        switchboard.subscribe("billing", TYPE, InvoiceIssued.class, e -> {
            throw new InterruptedException("shutting down");
        });

        DeliveryOutcome outcome = driver.consumer().deliver(codec.encode(invoice()));

        assertThat(outcome).isEqualTo(DeliveryOutcome.RELEASE);
        assertThat(switchboard.metrics().released()).isEqualTo(1);
        assertThat(switchboard.metrics().handlerFailures()).isZero();
    }

    @Test
    void aMalformedPayloadIsDeadLetteredWithoutRunningTheHandler() {
        switchboard.subscribe("billing", TYPE, InvoiceIssued.class, e -> calls.incrementAndGet());
        byte[] garbage = "not an envelope".getBytes(StandardCharsets.UTF_8);

        DeliveryOutcome outcome = driver.consumer().deliver(garbage);

        assertThat(outcome).isInstanceOf(DeliveryOutcome.DeadLettered.class);
        DeadLetter letter = ((DeliveryOutcome.DeadLettered) outcome).deadLetter();
        assertThat(letter.get(DeadLetter.Keys.REASON)).isEqualTo("malformed");
        assertThat(letter.payload()).isEqualTo(garbage);
        assertThat(letter.get(DeadLetter.Keys.EXCEPTION_CLASS)).isEqualTo(SwitchboardException.class.getName());
        assertThat(letter.metadata()).doesNotContainKey(DeadLetter.Keys.EVENT_ID);
        assertThat(calls).hasValue(0);
    }

    @Test
    void dataOfTheWrongTypeIsMalformed() {
        switchboard.subscribe("billing", TYPE, InvoiceIssued.class, e -> calls.incrementAndGet());

        DeliveryOutcome outcome = driver.consumer().deliver(codec.encode(Event.of(TYPE, "just a string")));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.DeadLettered.class);
        assertThat(((DeliveryOutcome.DeadLettered) outcome).deadLetter().get(DeadLetter.Keys.REASON))
                .isEqualTo("malformed");
        assertThat(calls).hasValue(0);
    }

    @Test
    void aDeadLetterForDataThatDoesNotFitCarriesTheEventIdTheCodecRead() {
        // A codec that read the envelope but could not convert its data reports the id, as the JSON codec does.
        io.switchboard.spi.EventCodec misfit = new io.switchboard.spi.EventCodec() {
            @Override
            public String contentType() {
                return codec.contentType();
            }

            @Override
            public byte[] encode(Event<?> event) {
                return codec.encode(event);
            }

            @Override
            public <T> Event<T> decode(byte[] payload, Class<T> dataType) {
                throw SwitchboardException.forEvent(SwitchboardException.Reason.MALFORMED, "evt_misfit", TYPE, null,
                        "'data' does not fit", null);
            }
        };
        RecordingDriver misfitDriver = new RecordingDriver();
        try (Switchboard board = Switchboard.builder(misfitDriver).codec(misfit).clock(clock).build()) {
            board.subscribe("billing", TYPE, InvoiceIssued.class, e -> calls.incrementAndGet());

            DeliveryOutcome outcome = misfitDriver.consumer().deliver(codec.encode(invoice()));

            DeadLetter letter = ((DeliveryOutcome.DeadLettered) outcome).deadLetter();
            assertThat(letter.get(DeadLetter.Keys.EVENT_ID)).isEqualTo("evt_misfit");
            assertThat(letter.get(DeadLetter.Keys.REASON)).isEqualTo("malformed");
            assertThat(calls).hasValue(0);
        }
    }

    @Test
    void aSecondDeliveryOfAHandledEventIsAcknowledgedWithoutRunningTheHandler() {
        switchboard.subscribe("billing", TYPE, InvoiceIssued.class, e -> calls.incrementAndGet());
        byte[] payload = codec.encode(invoice());

        assertThat(driver.consumer().deliver(payload)).isEqualTo(DeliveryOutcome.ACK);
        assertThat(driver.consumer().deliver(payload)).isEqualTo(DeliveryOutcome.ACK);

        assertThat(calls).hasValue(1);
        assertThat(switchboard.metrics().duplicatesSkipped()).isEqualTo(1);
    }

    @Test
    void aRedeliveryAfterAFailedAttemptIsProcessed() {
        switchboard.subscribe("billing", TYPE, InvoiceIssued.class, e -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("first attempt fails");
            }
        });
        byte[] payload = codec.encode(invoice());

        assertThat(driver.consumer().deliver(payload, 1, null)).isInstanceOf(DeliveryOutcome.Retry.class);
        assertThat(driver.consumer().deliver(payload, 2, T0)).isEqualTo(DeliveryOutcome.ACK);
        assertThat(driver.consumer().deliver(payload, 1, null)).isEqualTo(DeliveryOutcome.ACK);

        assertThat(calls).hasValue(2);
        assertThat(switchboard.metrics().duplicatesSkipped()).isEqualTo(1);
    }

    @Test
    void aDuplicateArrivingWhileTheFirstIsRunningIsReleasedNotAcknowledgedAndAcknowledgedOnceTheFirstSucceeded()
            throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        switchboard.subscribe("billing", TYPE, InvoiceIssued.class, e -> {
            calls.incrementAndGet();
            entered.countDown();
            assertThat(proceed.await(5, TimeUnit.SECONDS)).isTrue();
        });
        byte[] payload = codec.encode(invoice());
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<DeliveryOutcome> first = pool.submit(() -> driver.consumer().deliver(payload));
            assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();

            // Not acknowledged while the first runs: on SQS or a reclaimed Redis entry both are one message.
            DeliveryOutcome second = driver.consumer().deliver(payload);
            proceed.countDown();

            assertThat(second).isInstanceOf(DeliveryOutcome.Release.class);
            assertThat(((DeliveryOutcome.Release) second).delay()).isPositive();
            assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo(DeliveryOutcome.ACK);
            // Redelivered after the release, it sees the key handled: acknowledged without running.
            assertThat(driver.consumer().deliver(payload)).isEqualTo(DeliveryOutcome.ACK);
            assertThat(calls).hasValue(1);
            assertThat(switchboard.metrics().released()).isEqualTo(1);
            assertThat(switchboard.metrics().duplicatesSkipped()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void twoSimultaneousDeliveriesOfOneEventRunTheSideEffectOnce() throws Exception {
        List<String> sideEffects = Collections.synchronizedList(new ArrayList<>());
        switchboard.subscribe("billing", TYPE, InvoiceIssued.class, e -> sideEffects.add(e.id()));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 300; round++) {
                byte[] payload = codec.encode(invoice());
                CyclicBarrier start = new CyclicBarrier(2);
                List<Future<DeliveryOutcome>> outcomes = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    outcomes.add(pool.submit(() -> {
                        start.await(5, TimeUnit.SECONDS);
                        return driver.consumer().deliver(payload);
                    }));
                }
                List<DeliveryOutcome> settled = new ArrayList<>();
                for (Future<DeliveryOutcome> outcome : outcomes) {
                    settled.add(outcome.get(5, TimeUnit.SECONDS));
                }
                // Both have finished now; a loser that raced the running winner was released, and its
                // redelivery (as the driver would do after the delay) is acknowledged without running.
                for (DeliveryOutcome o : settled) {
                    DeliveryOutcome last = o instanceof DeliveryOutcome.Release ? driver.consumer().deliver(payload)
                            : o;
                    assertThat(last).isEqualTo(DeliveryOutcome.ACK);
                }
                assertThat(sideEffects).as("round %d", round).hasSize(round + 1);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(switchboard.metrics().handled()).isEqualTo(300);
        assertThat(switchboard.metrics().duplicatesSkipped() + switchboard.metrics().released())
                .isGreaterThanOrEqualTo(300);
    }

    /** A store that fails on the operations named, as a durable store does when its database is down. */
    private static final class FailingStore implements io.switchboard.idempotency.IdempotencyStore {
        private final io.switchboard.idempotency.InMemoryIdempotencyStore delegate =
                new io.switchboard.idempotency.InMemoryIdempotencyStore();
        private final boolean failClaim;
        private final boolean failComplete;

        FailingStore(boolean failClaim, boolean failComplete) {
            this.failClaim = failClaim;
            this.failComplete = failComplete;
        }

        @Override
        public Claim tryClaim(String scope, String key, Duration lease) {
            if (failClaim) {
                throw new IllegalStateException("store unreachable");
            }
            return delegate.tryClaim(scope, key, lease);
        }

        @Override
        public void complete(String scope, String key) {
            if (failComplete) {
                throw new IllegalStateException("store unreachable");
            }
            delegate.complete(scope, key);
        }

        @Override
        public void release(String scope, String key) {
            delegate.release(scope, key);
        }

        @Override
        public Duration window() {
            return delegate.window();
        }
    }

    @Test
    void aStoreThatCannotClaimMakesTheAttemptFailWithoutRunningTheHandler() {
        RecordingDriver storeDriver = new RecordingDriver();
        try (Switchboard board = Switchboard.builder(storeDriver).codec(codec).clock(clock)
                .idempotencyStore(new FailingStore(true, false)).build()) {
            board.subscribe("billing", TYPE, InvoiceIssued.class, e -> calls.incrementAndGet());

            DeliveryOutcome outcome = storeDriver.consumer().deliver(codec.encode(invoice()));

            assertThat(outcome).isInstanceOf(DeliveryOutcome.Retry.class);
            assertThat(((DeliveryOutcome.Retry) outcome).failure()).hasMessage("store unreachable");
            assertThat(calls).hasValue(0);
            assertThat(board.metrics().handlerFailures()).isEqualTo(1);
        }
    }

    @Test
    void aStoreThatCannotRecordSuccessStillAcknowledgesTheHandledEvent() {
        RecordingDriver storeDriver = new RecordingDriver();
        try (Switchboard board = Switchboard.builder(storeDriver).codec(codec).clock(clock)
                .idempotencyStore(new FailingStore(false, true)).build()) {
            board.subscribe("billing", TYPE, InvoiceIssued.class, e -> calls.incrementAndGet());

            DeliveryOutcome outcome = storeDriver.consumer().deliver(codec.encode(invoice()));

            assertThat(outcome).isEqualTo(DeliveryOutcome.ACK);
            assertThat(calls).hasValue(1);
            assertThat(board.metrics().handled()).isEqualTo(1);
        }
    }

    @Test
    void theNaturalKeyDeduplicatesDifferentIdsForTheSameAggregateVersion() {
        switchboard.subscribe(SubscriptionRequest.<InvoiceIssued>group("billing", TYPE, InvoiceIssued.class,
                e -> calls.incrementAndGet()).withIdempotencyKey(IdempotencyKey.NATURAL_KEY));
        Event<InvoiceIssued> first = invoice(1);
        Event<InvoiceIssued> sameVersionOtherId = invoice(1);
        Event<InvoiceIssued> nextVersion = invoice(2);
        assertThat(sameVersionOtherId.id()).isNotEqualTo(first.id());

        driver.consumer().deliver(codec.encode(first));
        driver.consumer().deliver(codec.encode(sameVersionOtherId));
        assertThat(calls).hasValue(1);

        driver.consumer().deliver(codec.encode(nextVersion));
        assertThat(calls).hasValue(2);
    }

    @Test
    void byDefaultTheEventIdIsTheKeySoOtherIdsForTheSameVersionAreHandled() {
        switchboard.subscribe("billing", TYPE, InvoiceIssued.class, e -> calls.incrementAndGet());

        driver.consumer().deliver(codec.encode(invoice(1)));
        driver.consumer().deliver(codec.encode(invoice(1)));

        assertThat(calls).hasValue(2);
    }

    @Test
    void withoutAnIdempotencyKeyEveryDeliveryRunsTheHandler() {
        switchboard.subscribe(SubscriptionRequest.<InvoiceIssued>group("billing", TYPE, InvoiceIssued.class,
                e -> calls.incrementAndGet()).withIdempotencyKey(IdempotencyKey.NONE));
        byte[] payload = codec.encode(invoice());

        driver.consumer().deliver(payload);
        driver.consumer().deliver(payload);

        assertThat(calls).hasValue(2);
    }

    @Test
    void deduplicationIsScopedPerGroup() {
        AtomicInteger inA = new AtomicInteger();
        AtomicInteger inB = new AtomicInteger();
        switchboard.subscribe("group-a", TYPE, InvoiceIssued.class, e -> inA.incrementAndGet());
        RecordingDriver.Consumer a = driver.consumer();
        switchboard.subscribe("group-b", TYPE, InvoiceIssued.class, e -> inB.incrementAndGet());
        RecordingDriver.Consumer b = driver.consumer();
        byte[] payload = codec.encode(invoice());

        a.deliver(payload);
        b.deliver(payload);
        a.deliver(payload);

        assertThat(inA).hasValue(1);
        assertThat(inB).hasValue(1);
    }

    @Test
    void aBroadcastSubscriptionDeadLettersUnderTheBroadcastGroup() {
        switchboard.subscribe(SubscriptionRequest.<InvoiceIssued>broadcast(TYPE, InvoiceIssued.class, e -> {
            throw new IllegalStateException("boom");
        }).withRetryPolicy(RetryPolicy.noRetries()));

        DeliveryOutcome outcome = driver.consumer().deliver(codec.encode(invoice()));

        assertThat(driver.consumer().spec().isBroadcast()).isTrue();
        assertThat(((DeliveryOutcome.DeadLettered) outcome).deadLetter().get(DeadLetter.Keys.GROUP))
                .isEqualTo("broadcast");
    }

    @Test
    void theCountersMatchWhatHappened() throws Exception {
        switchboard.publish(Event.of("user.created", "a")).get(5, TimeUnit.SECONDS);
        switchboard.publish("User.Created", "invalid");
        switchboard.subscribe("billing", TYPE, InvoiceIssued.class, e -> {
            if (e.data().amount() < 0) {
                throw new IllegalStateException("negative");
            }
        });
        RecordingDriver.Consumer consumer = driver.consumer();
        byte[] good = codec.encode(invoice());
        byte[] bad = codec.encode(Event.of(TYPE, new InvoiceIssued("INV-X", -1)));

        consumer.deliver(good); // handled
        consumer.deliver(good); // duplicate
        consumer.deliver(bad, 1, null); // failure, retry
        consumer.deliver(bad, 2, T0); // failure, retry
        consumer.deliver(bad, 3, T0); // failure, dead-lettered
        consumer.deliver("garbage".getBytes(StandardCharsets.UTF_8)); // malformed, dead-lettered

        assertThat(switchboard.metrics()).isEqualTo(new SwitchboardMetrics(1, 1, 1, 3, 2, 2, 1, 0));
    }

    @Test
    void deliveriesNeverThrowEvenForAMessageWithoutPayloadBytes() {
        switchboard.subscribe("billing", TYPE, InvoiceIssued.class, e -> calls.incrementAndGet());

        DeliveryOutcome outcome = driver.consumer().handler().handle(new InboundMessage(new byte[0], TYPE, 1, null,
                null));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.DeadLettered.class);
    }

    private RecordingDriver.Consumer subscribeThrowing(Throwable failure) {
        switchboard.subscribe("billing", TYPE, InvoiceIssued.class, e -> {
            calls.incrementAndGet();
            if (failure instanceof Exception checked) {
                throw checked;
            }
            throw (Error) failure;
        });
        return driver.consumer();
    }

    private static Event<InvoiceIssued> invoice() {
        return invoice(1);
    }

    private static Event<InvoiceIssued> invoice(long version) {
        return Event.builder(TYPE).aggregate("Invoice", "inv_1", version).correlationId("corr_1")
                .data(new InvoiceIssued("INV-1", 15000)).build();
    }

    /** The values of every constant in {@link DeadLetter.Keys}, found by reflection so a new key is covered too. */
    private static String[] allDeadLetterKeys() throws IllegalAccessException {
        List<String> keys = new ArrayList<>();
        for (Field f : DeadLetter.Keys.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                keys.add((String) f.get(null));
            }
        }
        assertThat(keys).hasSize(11);
        return keys.toArray(String[]::new);
    }
}
