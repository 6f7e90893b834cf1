package io.switchboard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** The publish timeout's watcher: due publishes fail once, answered ones are forgotten, the thread ends with them. */
class PublishDeadlinesTest {

    private static final String THREAD = "publish-deadlines-test";

    /** A watched future that counts how often it was expired. */
    private static final class Probe extends PublishDeadlines.Watched<String> {
        final AtomicInteger expired = new AtomicInteger();

        Probe(long deadlineNanos) {
            super(deadlineNanos);
        }

        @Override
        protected void expire() {
            expired.incrementAndGet();
            completeExceptionally(new java.util.concurrent.TimeoutException());
        }
    }

    @Test
    void everyPublishStillOpenAtItsDeadlineIsExpiredOnceAndNotBefore() throws Exception {
        PublishDeadlines deadlines = new PublishDeadlines(Duration.ofMillis(200), THREAD);
        long start = System.nanoTime();
        List<Probe> probes = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            Probe p = new Probe(deadlines.deadlineFromNow());
            probes.add(p);
            deadlines.watch(p);
        }
        Thread.sleep(100);
        assertThat(probes).as("half-way to the deadline").noneMatch(Probe::isDone);

        await(() -> probes.stream().allMatch(Probe::isDone), "every publish expired");
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(took).as("ms until the last expired").isGreaterThanOrEqualTo(200);
        assertThat(probes).allSatisfy(p -> {
            assertThat(p.isCompletedExceptionally()).isTrue();
            assertThat(p.expired).hasValue(1);
        });
        Thread.sleep(50); // further ticks must not expire anything again
        assertThat(probes).allSatisfy(p -> assertThat(p.expired).hasValue(1));
        deadlines.stop();
    }

    @Test
    void answeredPublishesAreNeitherExpiredNorKept() throws Exception {
        PublishDeadlines deadlines = new PublishDeadlines(Duration.ofSeconds(30), THREAD);
        List<Probe> probes = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            Probe p = new Probe(deadlines.deadlineFromNow());
            probes.add(p);
            deadlines.watch(p);
        }
        assertThat(deadlines.size()).isEqualTo(10_000);
        probes.forEach(p -> p.complete("ok"));

        // Long before their 30 s deadline, the answered ones are no longer held (memory stays bounded).
        await(() -> deadlines.size() == 0, "answered publishes dropped");
        assertThat(probes).allSatisfy(p -> assertThat(p.expired).hasValue(0));
        deadlines.stop();
    }

    @Test
    void answeredPublishesBehindOneStillWaitingAreDroppedToo() throws Exception {
        PublishDeadlines deadlines = new PublishDeadlines(Duration.ofSeconds(30), THREAD);
        Probe waiting = new Probe(deadlines.deadlineFromNow());
        deadlines.watch(waiting);
        List<Probe> answered = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            Probe p = new Probe(deadlines.deadlineFromNow());
            answered.add(p);
            deadlines.watch(p);
        }
        answered.forEach(p -> p.complete("ok"));

        // The head waits 30 s for its deadline; the pass over the queue drops what is behind it meanwhile.
        await(() -> deadlines.size() == 1, "answered publishes behind the waiting one dropped");
        assertThat(waiting.isDone()).isFalse();
        waiting.complete("ok");
        await(() -> deadlines.size() == 0, "the last one dropped once answered");
        deadlines.stop();
    }

    @Test
    void aPublishQueuedBehindALaterDeadlineStillExpires() throws Exception {
        // Threads take the time and insert in either order: a due publish may sit behind one due much later.
        PublishDeadlines deadlines = new PublishDeadlines(Duration.ofSeconds(30), THREAD);
        Probe later = new Probe(deadlines.deadlineFromNow());
        Probe dueSoon = new Probe(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50));
        deadlines.watch(later);
        deadlines.watch(dueSoon);

        await(dueSoon::isDone, "the publish behind a later deadline expired");
        assertThat(dueSoon.expired).hasValue(1);
        assertThat(later.isDone()).isFalse();
        later.complete("ok");
        deadlines.stop();
    }

    @Test
    void afterStopAnOpenPublishStillExpiresAndThenTheThreadEnds() throws Exception {
        PublishDeadlines deadlines = new PublishDeadlines(Duration.ofMillis(100), THREAD + "-stop");
        Probe open = new Probe(deadlines.deadlineFromNow());
        deadlines.watch(open);
        deadlines.stop();

        await(open::isDone, "the open publish expired after stop");
        assertThat(open.expired).hasValue(1);
        await(() -> !threadRunning(THREAD + "-stop"), "the thread ended");

        // A publish racing with close after the thread ended gets a thread again, and its deadline.
        Probe late = new Probe(deadlines.deadlineFromNow());
        deadlines.watch(late);
        await(late::isDone, "the late publish expired");
        assertThat(late.expired).hasValue(1);
        await(() -> !threadRunning(THREAD + "-stop"), "the thread ended again");
    }

    @Test
    void aPublishWatchedWhileTheThreadSleepsIdleWakesIt() throws Exception {
        PublishDeadlines deadlines = new PublishDeadlines(Duration.ofMillis(50), THREAD);
        Probe first = new Probe(deadlines.deadlineFromNow());
        first.complete("ok");
        deadlines.watch(first);
        await(() -> deadlines.size() == 0, "nothing watched: the thread goes idle");
        Thread.sleep(50);

        Probe second = new Probe(deadlines.deadlineFromNow());
        deadlines.watch(second);
        await(second::isDone, "the idle thread woke up for the new publish");
        assertThat(second.expired).hasValue(1);
        deadlines.stop();
    }

    private static boolean threadRunning(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until: " + what);
            }
            Thread.sleep(5);
        }
    }
}
