package io.switchboard.hybrid.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.MessageInfo;
import io.switchboard.SwitchboardException;
import io.switchboard.SwitchboardException.Reason;
import io.switchboard.brokers.NatsOptions;
import io.switchboard.brokers.NatsServer;
import io.switchboard.hybrid.HybridDriverOptions;
import io.switchboard.hybrid.JetStreamOptions;
import io.switchboard.spi.OutboundMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The JetStream leg against a frozen server (SIGSTOP): the client holds at most the window's sends, a publisher
 * beyond it is refused with {@code TIMEOUT} and nothing sent, sends that jnats gave up on keep their slots (their
 * messages may still be queued in the client) until the server answers again, and no send is reported done without
 * the server's acknowledgement. No timing is asserted: the window's short timeout only keeps the test short.
 */
class JetStreamQueueWindowTest {

    private static final int WINDOW = 8;
    private static final int ATTEMPTS = 40;
    private static final String TYPE = "window.tested";
    private static NatsServer nats;

    @BeforeAll
    static void startBroker() {
        nats = new NatsServer(NatsOptions.defaults()).start();
    }

    @AfterAll
    static void stopBroker() {
        nats.thaw();
        nats.close();
    }

    @Test
    void aFrozenServerHoldsAtMostTheWindowAndOnlyAcknowledgedSendsAreReportedDone() throws Exception {
        SendWindow window = new SendWindow(WINDOW, Duration.ofMillis(300));
        JetStreamOptions options = JetStreamOptions.defaults().withStreamPrefix("WIN_");
        JetStreamQueue queue = new JetStreamQueue(HybridDriverOptions.of(nats.endpoint()), options, window);
        String stream = queue.stream(TYPE);
        try {
            queue.send(message("warm-up", 4096)).get(30, TimeUnit.SECONDS); // creates the stream

            nats.freeze();
            await(JetStreamQueueWindowTest::everyServerThreadStopped, "nats-server stopped by SIGSTOP");
            List<String> ids = new ArrayList<>();
            List<CompletableFuture<Void>> sends = new ArrayList<>();
            for (int i = 0; i < ATTEMPTS; i++) {
                String id = "frozen-" + i;
                ids.add(id);
                sends.add(queue.send(message(id, 4096)));
                assertThat(window.inUse()).as("slots taken after send %d", i).isLessThanOrEqualTo(WINDOW);
            }
            Set<String> refused = new HashSet<>();
            for (int i = 0; i < ATTEMPTS; i++) {
                CompletableFuture<Void> send = sends.get(i);
                if (send.isCompletedExceptionally() && reason(send) == Reason.TIMEOUT
                        && failure(send).getMessage().contains("nothing was sent")) {
                    refused.add(ids.get(i));
                }
            }
            System.out.printf("Frozen JetStream, window %d: %d sends refused at once (nothing sent), peak %d slots%n",
                    WINDOW, refused.size(), window.peak());
            assertThat(refused).as("sends beyond the window are refused, nothing sent").isNotEmpty();
            assertThat(window.peak()).isLessThanOrEqualTo(WINDOW);

            // jnats gives up on the unanswered publishes (its request timeout): their slots stay taken (parked),
            // because their messages may still be in the client's outgoing queue.
            await(() -> window.parked() == window.inUse() && window.inUse() > 0,
                    () -> "jnats timing out the unanswered publishes (their slots parked); " + window);
            int held = window.inUse();
            CompletableFuture<Void> stillRefused = queue.send(message("while-parked", 4096));
            assertThat(stillRefused).isCompletedExceptionally();
            assertThat(reason(stillRefused)).isEqualTo(Reason.TIMEOUT);
            for (int i = 0; i < ATTEMPTS; i++) {
                assertThat(sends.get(i)).as("send %d finished", i).isDone();
                assertThat(sends.get(i).isCompletedExceptionally()).as("send %d reported done while the server was "
                        + "frozen", i).isTrue();
            }
            // Sent but not acknowledged: the send timeout (300 ms here, before jnats gives up) failed them.
            long timedOut = sends.stream().filter(f -> reason(f) == Reason.TIMEOUT
                    && failure(f).getMessage().contains("did not acknowledge the event within 300 ms")).count();
            assertThat(timedOut).as("sends failed by the send timeout").isPositive();

            nats.thaw();
            // The server answers again: the next acknowledged send frees the parked slots (or a probe did).
            await(() -> {
                try {
                    queue.send(message("after-thaw-" + System.nanoTime(), 64)).get(10, TimeUnit.SECONDS);
                    return true;
                } catch (Exception e) {
                    return false;
                }
            }, "a send acknowledged after the thaw");
            await(() -> window.inUse() == 0, () -> "every slot released after the thaw; " + window);

            Set<String> stored = storedIds(stream);
            Set<String> frozenStored = new HashSet<>(ids);
            frozenStored.retainAll(stored);
            System.out.printf("After the thaw: %d of the %d frozen-time sends were stored (%d held at most)%n",
                    frozenStored.size(), ATTEMPTS, held);
            assertThat(frozenStored).as("what the client held while frozen reached the server afterwards, and "
                    + "no more than the window").hasSizeLessThanOrEqualTo(WINDOW);
            assertThat(stored).as("a refused send was never sent").doesNotContainAnyElementsOf(refused);

            List<CompletableFuture<Void>> later = new ArrayList<>();
            List<String> laterIds = new ArrayList<>();
            for (int i = 0; i < 3 * WINDOW; i++) {
                laterIds.add("thawed-" + i);
                later.add(queue.send(message("thawed-" + i, 4096)));
            }
            CompletableFuture.allOf(later.toArray(CompletableFuture[]::new)).handle((ok, e) -> null)
                    .get(60, TimeUnit.SECONDS);
            Set<String> storedNow = storedIds(stream);
            for (int i = 0; i < later.size(); i++) {
                if (!later.get(i).isCompletedExceptionally()) {
                    assertThat(storedNow).as("reported done, so stored").contains(laterIds.get(i));
                }
            }
            assertThat(later).as("sends after the thaw are acknowledged").allMatch(f -> !f.isCompletedExceptionally());
        } finally {
            nats.thaw();
            queue.close(Duration.ofSeconds(2));
        }
    }

    private static OutboundMessage message(String id, int size) {
        byte[] payload = new byte[size];
        java.util.Arrays.fill(payload, (byte) 'x');
        return new OutboundMessage(id, TYPE, null, payload, Map.of());
    }

    private static Throwable failure(CompletableFuture<Void> send) {
        try {
            send.join();
            return null;
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    private static Reason reason(CompletableFuture<Void> send) {
        return failure(send) instanceof SwitchboardException se ? se.reason() : null;
    }

    /** The {@code Nats-Msg-Id} of every message in {@code stream}, read with a connection of the test's own. */
    private static Set<String> storedIds(String stream) throws Exception {
        Set<String> ids = new HashSet<>();
        try (Connection c = Nats.connect(nats.endpoint())) {
            JetStreamManagement jsm = c.jetStreamManagement();
            long last = jsm.getStreamInfo(stream).getStreamState().getLastSequence();
            for (long seq = 1; seq <= last; seq++) {
                try {
                    MessageInfo info = jsm.getMessage(stream, seq);
                    if (info.getHeaders() != null && info.getHeaders().getFirst("Nats-Msg-Id") != null) {
                        ids.add(info.getHeaders().getFirst("Nats-Msg-Id"));
                    }
                } catch (JetStreamApiException deleted) {
                    // not there
                }
            }
        }
        return ids;
    }

    /**
     * SIGSTOP returns before the server's threads have stopped: one still running could acknowledge the first
     * send. Every thread of the process in state T (Linux; elsewhere the freeze is taken as done).
     */
    private static boolean everyServerThreadStopped() {
        java.nio.file.Path tasks = java.nio.file.Path.of("/proc", Long.toString(nats.pid()), "task");
        if (!java.nio.file.Files.isDirectory(tasks)) {
            return true;
        }
        try (var threads = java.nio.file.Files.list(tasks)) {
            return threads.allMatch(t -> {
                try {
                    String stat = java.nio.file.Files.readString(t.resolve("stat"));
                    return stat.substring(stat.lastIndexOf(')') + 2).startsWith("T");
                } catch (java.io.IOException gone) {
                    return true;
                }
            });
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        await(condition, () -> what);
    }

    /** Polls {@code condition} for up to 30 s; {@code what} is read when it fails, so it shows the state then. */
    private static void await(BooleanSupplier condition, java.util.function.Supplier<String> what)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what.get());
            }
            Thread.sleep(25);
        }
    }
}
