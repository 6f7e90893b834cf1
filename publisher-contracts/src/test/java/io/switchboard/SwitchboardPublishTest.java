package io.switchboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.switchboard.SwitchboardException.Reason;
import io.switchboard.spi.DeliveryOutcome;
import io.switchboard.spi.OutboundMessage;
import io.switchboard.testing.RecordingDriver;
import io.switchboard.testing.SerializingCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The publishing half of the core: validation before sending, failures on one channel, deadlines, close, batches, correlation. */
class SwitchboardPublishTest {

    private static final int MAX_PAYLOAD = 2_000;

    private final SerializingCodec codec = new SerializingCodec();
    private final RecordingDriver driver = new RecordingDriver(
            Capabilities.builder().delivery(Capabilities.Delivery.AT_LEAST_ONCE)
                    .maxPayloadBytes(MAX_PAYLOAD).build());
    private final Switchboard switchboard = Switchboard.builder(driver).codec(codec)
            .publishTimeout(Duration.ofMillis(200)).build();

    @AfterEach
    void close() {
        switchboard.close();
    }

    @Test
    void aValidEventIsEncodedAndSent() throws Exception {
        Event<String> event = Event.builder("billing.invoice.issued").aggregate("Invoice", "inv_1", 1)
                .header("tenant", "acme").data("INV-1").build();

        Event<String> sent = switchboard.publish(event).get(5, TimeUnit.SECONDS);

        assertThat(driver.sent()).hasSize(1);
        OutboundMessage message = driver.sent().get(0);
        assertThat(message.eventId()).isEqualTo(event.id());
        assertThat(message.type()).isEqualTo("billing.invoice.issued");
        assertThat(message.key()).isEqualTo("inv_1");
        assertThat(message.headers()).containsEntry("tenant", "acme");
        assertThat(codec.decode(message.payload(), String.class)).isEqualTo(sent);
        assertThat(switchboard.metrics().published()).isEqualTo(1);
    }

    @Test
    void anInvalidTypeFailsTheFutureAndSendsNothing() {
        SwitchboardException e = failure(switchboard.publish("Billing.Invoice", "x"));

        assertThat(e.reason()).isEqualTo(Reason.INVALID_EVENT);
        assertThat(e.getMessage()).contains("lowercase").contains("billing.invoice.issued");
        assertThat(switchboard.metrics().publishFailures()).isEqualTo(1);
        assertNothingSent();
    }

    @Test
    void aWildcardTypeFailsTheFutureAndSendsNothing() {
        assertThat(failure(switchboard.publish("billing.>", "x")).reason()).isEqualTo(Reason.INVALID_EVENT);
        assertNothingSent();
    }

    @Test
    void aNullEventOrNullDataOrNullTypeFailsTheFutureAndSendsNothing() {
        assertThat(failure(switchboard.publish((Event<String>) null)).reason()).isEqualTo(Reason.INVALID_EVENT);
        assertThat(failure(switchboard.publish("user.created", null)).reason()).isEqualTo(Reason.INVALID_EVENT);
        assertThat(failure(switchboard.publish(null, "x")).reason()).isEqualTo(Reason.INVALID_EVENT);
        assertNothingSent();
    }

    @Test
    void anOversizedPayloadIsTooLargeAndNothingIsSent() {
        Event<String> big = Event.of("document.file.uploaded", "x".repeat(MAX_PAYLOAD));

        SwitchboardException e = failure(switchboard.publish(big));

        assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE);
        assertThat(e.eventId()).isEqualTo(big.id());
        assertThat(e.getMessage()).contains("the limit is " + MAX_PAYLOAD + " bytes");
        assertNothingSent();
    }

    @Test
    void aLowerConfiguredLimitWinsOverTheDriversLimit() {
        try (Switchboard strict = Switchboard.builder(driver).codec(codec).maxPayloadBytes(500).build()) {
            assertThat(strict.capabilities().maxPayloadBytes()).isEqualTo(500);
            assertThat(failure(strict.publish("document.file.uploaded", "x".repeat(600))).reason())
                    .isEqualTo(Reason.TOO_LARGE);
        }
        assertNothingSent();
    }

    @Test
    void unserializableDataFailsTheFutureAndSendsNothing() {
        Event<Object> event = Event.of("user.created", new Object());

        SwitchboardException e = failure(switchboard.publish(event));

        assertThat(e.reason()).isEqualTo(Reason.UNSERIALIZABLE);
        assertNothingSent();
    }

    @Test
    void aDriverThatThrowsGivesAFailedFutureNotAnException() {
        driver.onSend(m -> {
            throw new IllegalStateException("broker gone");
        });
        Event<String> event = Event.of("user.created", "x");

        CompletableFuture<Event<String>> future = switchboard.publish(event);

        SwitchboardException e = failure(future);
        assertThat(e.reason()).isEqualTo(Reason.DRIVER_ERROR);
        assertThat(e.eventId()).isEqualTo(event.id());
        assertThat(e.getCause()).isInstanceOf(IllegalStateException.class).hasMessage("broker gone");
        assertThat(switchboard.metrics().publishFailures()).isEqualTo(1);
    }

    @Test
    void aDriverThatReturnsNullGivesAFailedFuture() {
        driver.onSend(m -> null);
        Event<String> event = Event.of("user.created", "x");

        SwitchboardException e = failure(switchboard.publish(event));

        assertThat(e.reason()).isEqualTo(Reason.DRIVER_ERROR);
        assertThat(e.getMessage()).contains("returned no future");
        assertThat(e.eventId()).isEqualTo(event.id());
    }

    @Test
    void aDriversOwnReasonIsKeptAndTheEventIdAdded() {
        driver.onSend(m -> CompletableFuture.failedFuture(
                SwitchboardException.of(Reason.UNAVAILABLE, "buffer full")));
        Event<String> event = Event.of("user.created", "x");

        SwitchboardException e = failure(switchboard.publish(event));

        assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
        assertThat(e.eventId()).isEqualTo(event.id());
        assertThat(e.getMessage()).contains("buffer full");
    }

    @Test
    void aDriverThatNeverAnswersTimesOutAfterThePublishTimeout() {
        CompletableFuture<Void> neverCompleted = new CompletableFuture<>();
        driver.onSend(m -> neverCompleted);
        Event<String> event = Event.of("user.created", "x");
        long start = System.nanoTime();

        SwitchboardException e = failure(switchboard.publish(event));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(e.isIndeterminate()).isTrue();
        assertThat(e.eventId()).isEqualTo(event.id());
        assertThat(neverCompleted).as("the deadline must not complete the driver's own future").isNotDone();
    }

    @Test
    void aDriverAnsweringAfterTheTimeoutChangesNeitherTheOutcomeNorTheCounts() {
        CompletableFuture<Void> late = new CompletableFuture<>();
        driver.onSend(m -> late);
        CompletableFuture<Event<String>> publish = switchboard.publish(Event.of("user.created", "x"));

        assertThat(failure(publish).reason()).isEqualTo(Reason.TIMEOUT);
        late.complete(null);

        assertThat(publish.isCompletedExceptionally()).isTrue();
        assertThat(switchboard.metrics().publishFailures()).isEqualTo(1);
        assertThat(switchboard.metrics().published()).isZero();
    }

    @Test
    void anAnswerBeforeTheTimeoutIsCountedOnceAndTheDeadlineLaterChangesNothing() throws Exception {
        CompletableFuture<Void> answer = new CompletableFuture<>();
        driver.onSend(m -> answer);
        CompletableFuture<Event<String>> publish = switchboard.publish(Event.of("user.created", "x"));
        answer.complete(null);

        assertThat(publish.get(1, TimeUnit.SECONDS).type().value()).isEqualTo("user.created");
        Thread.sleep(400); // past the 200 ms publish timeout
        assertThat(publish.isCompletedExceptionally()).isFalse();
        assertThat(switchboard.metrics().published()).isEqualTo(1);
        assertThat(switchboard.metrics().publishFailures()).isZero();
    }

    @Test
    void publishingAfterCloseFailsWithClosed() {
        switchboard.close();

        assertThat(failure(switchboard.publish("user.created", "x")).reason()).isEqualTo(Reason.CLOSED);
        assertThat(failure(switchboard.publishAll(List.of(Event.of("user.created", "x")))).reason())
                .isEqualTo(Reason.CLOSED);
        assertThat(catchThrowableOfType(SwitchboardException.class,
                () -> switchboard.subscribe("g", "user.created", String.class, e -> { })).reason())
                .isEqualTo(Reason.CLOSED);
        assertNothingSent();
    }

    @Test
    void closeWaitsForAPublishBeingHandedToTheDriverBeforeItFlushes() throws Exception {
        CountDownLatch inSend = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        driver.onSend(m -> {
            inSend.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            driver.sent().add(m);
            return CompletableFuture.completedFuture(null);
        });
        List<Integer> sentAtFlush = new CopyOnWriteArrayList<>();
        driver.onFlush(() -> sentAtFlush.add(driver.sent().size()));
        CompletableFuture<CompletableFuture<Event<String>>> publishing = CompletableFuture.supplyAsync(
                () -> switchboard.publish("user.created", "x"));
        assertThat(inSend.await(5, TimeUnit.SECONDS)).isTrue();
        Thread closer = new Thread(switchboard::close, "closer");
        closer.start();
        closer.join(200);

        assertThat(sentAtFlush).as("no flush while a publish is still being handed over").isEmpty();
        release.countDown();
        closer.join(5_000);
        assertThat(closer.isAlive()).isFalse();
        assertThat(sentAtFlush).as("one flush, after the publish reached the driver").containsExactly(1);
        assertThat(publishing.get(5, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS).type().value())
                .isEqualTo("user.created");
        assertThat(failure(switchboard.publish("user.created", "y")).reason()).isEqualTo(Reason.CLOSED);
    }

    @Test
    void closeStopsSubscriptionsBeforeTheDriverAndIsIdempotent() {
        Subscription a = switchboard.subscribe("g", "user.created", String.class, e -> { });
        Subscription b = switchboard.broadcast("user.>", String.class, e -> { });

        switchboard.close();
        switchboard.close();

        assertThat(driver.log()).hasSize(3);
        assertThat(driver.log().subList(0, 2)).containsExactlyInAnyOrder("closed sub-1", "closed sub-2");
        assertThat(driver.log().get(2)).isEqualTo("closed driver");
        assertThat(a.isActive()).isFalse();
        assertThat(b.isActive()).isFalse();
        assertThat(switchboard.isClosed()).isTrue();
    }

    @Test
    void aClosedSubscriptionIsNotClosedAgainByClose() {
        Subscription a = switchboard.subscribe("g", "user.created", String.class, e -> { });
        a.close();
        a.close();

        switchboard.close();

        assertThat(driver.log()).containsExactly("closed sub-1", "closed driver");
    }

    @Test
    void aBatchIsSentWhenEveryEventIsValid() throws Exception {
        List<Event<?>> sent = switchboard.publishAll(List.of(Event.of("user.created", "a"),
                Event.of("user.deleted", "b"))).get(5, TimeUnit.SECONDS);

        assertThat(sent).hasSize(2).allSatisfy(e -> assertThat(e.correlationId()).startsWith("corr_"));
        assertThat(driver.sent()).extracting(OutboundMessage::type).containsExactly("user.created", "user.deleted");
        assertThat(switchboard.metrics().published()).isEqualTo(2);
    }

    @Test
    void aBatchWithOneNullEntrySendsNothing() {
        List<Event<?>> events = Arrays.asList(Event.of("user.created", "a"), null, Event.of("user.deleted", "b"));

        SwitchboardException e = failure(switchboard.publishAll(events));

        assertThat(e.reason()).isEqualTo(Reason.INVALID_EVENT);
        assertThat(e.getMessage()).contains("index 1");
        assertThat(e.getSuppressed()).hasSize(1);
        assertNothingSent();
    }

    @Test
    void aBatchWithOneOversizedEntrySendsNothing() {
        List<Event<?>> events = List.of(Event.of("user.created", "a"),
                Event.of("document.file.uploaded", "x".repeat(MAX_PAYLOAD)));

        SwitchboardException e = failure(switchboard.publishAll(events));

        assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE);
        assertThat(e.getMessage()).contains("index 1");
        assertNothingSent();
    }

    @Test
    void anEmptyBatchCompletesWithoutTouchingTheDriver() throws Exception {
        assertThat(switchboard.publishAll(List.of()).get(5, TimeUnit.SECONDS)).isEmpty();

        assertNothingSent();
        assertThat(switchboard.metrics()).isEqualTo(new SwitchboardMetrics(0, 0, 0, 0, 0, 0, 0, 0));
    }

    @Test
    void outsideAnyHandlerANewCorrelationIdIsGeneratedAndThereIsNoCause() throws Exception {
        Event<String> sent = switchboard.publish(Event.of("user.created", "x")).get(5, TimeUnit.SECONDS);

        assertThat(sent.correlationId()).startsWith("corr_");
        assertThat(sent.causationId()).isNull();
        assertThat(codec.decode(driver.sent().get(0).payload(), String.class).correlationId())
                .isEqualTo(sent.correlationId());
    }

    @Test
    void anExplicitCorrelationIdIsKept() throws Exception {
        Event<String> event = Event.builder("user.created").correlationId("corr_mine").data("x").build();

        assertThat(switchboard.publish(event).get(5, TimeUnit.SECONDS).correlationId()).isEqualTo("corr_mine");
    }

    @Test
    void publishingInsideAHandlerInheritsCorrelationAndCausation() throws Exception {
        List<CompletableFuture<Event<String>>> published = new ArrayList<>();
        switchboard.subscribe("billing", "billing.invoice.issued", String.class, handled -> {
            published.add(switchboard.publish(Event.of("billing.receipt.sent", "receipt")));
            published.add(switchboard.publish(Event.builder("billing.audit.logged").correlationId("corr_own")
                    .causationId("evt_own").data("audit").build()));
        });
        Event<String> incoming = Event.builder("billing.invoice.issued").id("evt_in").correlationId("corr_in")
                .header("traceparent", "00-abc-def-01").data("INV-1").build();

        DeliveryOutcome outcome = driver.consumer().deliver(codec.encode(incoming));

        assertThat(outcome).isEqualTo(DeliveryOutcome.ACK);
        Event<String> caused = published.get(0).get(5, TimeUnit.SECONDS);
        assertThat(caused.correlationId()).isEqualTo("corr_in");
        assertThat(caused.causationId()).isEqualTo("evt_in");
        assertThat(caused.headers()).containsEntry("traceparent", "00-abc-def-01");
        Event<String> explicit = published.get(1).get(5, TimeUnit.SECONDS);
        assertThat(explicit.correlationId()).isEqualTo("corr_own");
        assertThat(explicit.causationId()).isEqualTo("evt_own");
        assertThat(codec.decode(driver.sent().get(0).payload(), String.class).causationId()).isEqualTo("evt_in");

        // Once the handler has returned, this thread is outside any handler again.
        Event<String> after = switchboard.publish(Event.of("billing.receipt.sent", "r")).get(5, TimeUnit.SECONDS);
        assertThat(after.causationId()).isNull();
        assertThat(after.correlationId()).isNotEqualTo("corr_in");
    }

    @Test
    void workHandedToAnotherThreadKeepsTheCorrelationThroughTheCapturedContext() throws Exception {
        AtomicReference<CompletableFuture<Event<String>>> published = new AtomicReference<>();
        switchboard.subscribe("billing", "billing.invoice.issued", String.class, handled -> {
            DeliveryContext context = DeliveryContext.current().orElseThrow();
            Thread worker = new Thread(() -> context.run(
                    () -> published.set(switchboard.publish(Event.of("billing.receipt.sent", "r")))));
            worker.start();
            worker.join();
        });
        Event<String> incoming = Event.builder("billing.invoice.issued").id("evt_in").correlationId("corr_in")
                .data("INV-1").build();

        driver.consumer().deliver(codec.encode(incoming));

        assertThat(published.get().get(5, TimeUnit.SECONDS).causationId()).isEqualTo("evt_in");
    }

    @Test
    void theConfiguredSourceIsWrittenOnEventsWithoutOne() throws Exception {
        try (Switchboard withSource = Switchboard.builder(driver).codec(codec).source("billing-service").build()) {
            assertThat(withSource.publish("user.created", "x").get(5, TimeUnit.SECONDS).source())
                    .isEqualTo("billing-service");
            assertThat(withSource.publish(Event.builder("user.created").source("crm").data("x").build())
                    .get(5, TimeUnit.SECONDS).source()).isEqualTo("crm");
        }
    }

    private void assertNothingSent() {
        assertThat(driver.sent()).isEmpty();
        assertThat(driver.calls()).as("driver calls").isZero();
    }

    /** Waits for {@code future} to fail and returns its SwitchboardException. */
    static SwitchboardException failure(CompletableFuture<?> future) {
        try {
            Object value = future.get(5, TimeUnit.SECONDS);
            throw new AssertionError("expected a failed future, got " + value);
        } catch (ExecutionException | CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(SwitchboardException.class);
            return (SwitchboardException) e.getCause();
        } catch (Exception e) {
            throw new AssertionError("the future did not fail in time", e);
        }
    }
}
