package io.switchboard.hybrid.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HandlerPoolTest {

    private HandlerPool pool;

    @AfterEach
    void close() {
        if (pool != null) {
            pool.close(Duration.ofSeconds(1));
        }
    }

    @Test
    void aBacklogReachesFullConcurrencyAndNeverMore() throws Exception {
        pool = new HandlerPool("test", 4);
        CountDownLatch allFourRunning = new CountDownLatch(4);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        Runnable task = () -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            allFourRunning.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                running.decrementAndGet();
                done.incrementAndGet();
            }
        };
        Thread submitter = new Thread(() -> {
            for (int i = 0; i < 12; i++) {
                pool.submit(task);
            }
        });
        submitter.start();
        // a backlog of twelve: four run at once, the rest wait for a free slot
        assertThat(allFourRunning.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(done).hasValue(0);
        release.countDown();
        submitter.join(5000);
        assertThat(submitter.isAlive()).isFalse();
        until(() -> done.get() == 12);
        assertThat(most).hasValue(4);
    }

    @Test
    void submitWaitsWhileEverySlotIsTakenAndNothingIsQueuedBeyondThem() throws Exception {
        pool = new HandlerPool("test", 2);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch twoRunning = new CountDownLatch(2);
        for (int i = 0; i < 2; i++) {
            assertThat(pool.submit(() -> {
                twoRunning.countDown();
                awaitQuietly(release);
            })).isTrue();
        }
        assertThat(twoRunning.await(5, TimeUnit.SECONDS)).isTrue();
        AtomicBoolean thirdRan = new AtomicBoolean();
        AtomicBoolean accepted = new AtomicBoolean();
        Thread submitter = blockedIn(() -> accepted.set(pool.submit(() -> thirdRan.set(true))));
        assertThat(accepted).isFalse();
        assertThat(thirdRan).isFalse();
        release.countDown();
        submitter.join(5000);
        assertThat(accepted).isTrue();
        until(thirdRan::get);
    }

    @Test
    void everyTaskOfAStreamRunsOnceOnAtMostConcurrencyThreads() {
        pool = new HandlerPool("test", 3);
        int tasks = 20_000;
        AtomicInteger ran = new AtomicInteger();
        Set<Thread> used = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < tasks; i++) {
            assertThat(pool.submit(() -> {
                used.add(Thread.currentThread());
                ran.incrementAndGet();
            })).isTrue();
        }
        until(() -> ran.get() == tasks);
        assertThat(used).hasSizeBetween(1, 3);
        pool.close(Duration.ofSeconds(1));
        assertThat(ran).hasValue(tasks);
    }

    @Test
    void closeLetsSubmittedHandlersFinishWithinTheDrainTimeAndRefusesNewOnes() throws Exception {
        pool = new HandlerPool("test", 2);
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        pool.submit(() -> {
            started.countDown();
            sleepQuietly(200);
            finished.set(true);
        });
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        pool.close(Duration.ofSeconds(5));
        assertThat(finished).isTrue();
        assertThat(pool.isClosed()).isTrue();
        AtomicBoolean ranAfterClose = new AtomicBoolean();
        assertThat(pool.submit(() -> ranAfterClose.set(true))).isFalse();
        assertThat(ranAfterClose).isFalse();
    }

    @Test
    void closeInterruptsAHandlerStillRunningAfterTheDrainTime() throws Exception {
        pool = new HandlerPool("test", 1);
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        pool.submit(() -> {
            started.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
        });
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        pool.close(Duration.ofMillis(100));
        assertThat(interrupted).isTrue();
    }

    @Test
    void aSubmitterBlockedWhenThePoolClosesGetsFalseAndItsTaskNeverRuns() throws Exception {
        pool = new HandlerPool("test", 1);
        CountDownLatch release = new CountDownLatch(1);
        pool.submit(() -> awaitQuietly(release));
        AtomicBoolean ran = new AtomicBoolean();
        AtomicInteger answer = new AtomicInteger(-1);
        Thread submitter = blockedIn(() -> answer.set(pool.submit(() -> ran.set(true)) ? 1 : 0));
        Thread closer = new Thread(() -> pool.close(Duration.ofSeconds(5)));
        closer.start();
        submitter.join(5000);
        assertThat(answer).hasValue(0);
        release.countDown();
        closer.join(5000);
        assertThat(ran).isFalse();
    }

    @Test
    void anInterruptedSubmitterGetsFalseAndKeepsItsInterrupt() throws Exception {
        pool = new HandlerPool("test", 1);
        CountDownLatch release = new CountDownLatch(1);
        pool.submit(() -> awaitQuietly(release));
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        AtomicInteger answer = new AtomicInteger(-1);
        Thread submitter = blockedIn(() -> {
            answer.set(pool.submit(() -> { }) ? 1 : 0);
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        submitter.interrupt();
        submitter.join(5000);
        assertThat(answer).hasValue(0);
        assertThat(stillInterrupted).isTrue();
        release.countDown();
    }

    /** Starts {@code submitting} on a thread of its own; returns it once it waits for a slot in the full pool. */
    private static Thread blockedIn(Runnable submitting) {
        Thread submitter = new Thread(submitting);
        submitter.start();
        until(() -> submitter.getState() == Thread.State.TIMED_WAITING);
        return submitter;
    }

    /** Polls {@code condition} for up to 10 s. */
    private static void until(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("the condition held within 10 s").isLessThan(deadline);
            sleepQuietly(5);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
