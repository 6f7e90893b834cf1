package io.switchboard.idempotency;

import static io.switchboard.idempotency.IdempotencyStore.Claim.ACQUIRED;
import static io.switchboard.idempotency.IdempotencyStore.Claim.COMPLETED;
import static io.switchboard.idempotency.IdempotencyStore.Claim.IN_PROGRESS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.switchboard.SwitchboardException;
import io.switchboard.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Claim, complete, release; the window and the size bound; one winner among concurrent claims. */
class InMemoryIdempotencyStoreTest {

    private static final Duration WINDOW = Duration.ofHours(1);
    private static final Duration LEASE = Duration.ofMinutes(5);

    private final MutableClock clock = new MutableClock(Instant.parse("2024-01-15T10:30:00Z"));
    private final InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(clock, WINDOW, 1000);

    @Test
    void aClaimedKeyIsInProgressUntilCompleted() {
        assertThat(store.tryClaim("g", "k", LEASE)).isEqualTo(ACQUIRED);
        assertThat(store.tryClaim("g", "k", LEASE)).isEqualTo(IN_PROGRESS);

        store.complete("g", "k");

        assertThat(store.tryClaim("g", "k", LEASE)).isEqualTo(COMPLETED);
    }

    @Test
    void aReleasedKeyCanBeClaimedAgain() {
        store.tryClaim("g", "k", LEASE);

        store.release("g", "k");

        assertThat(store.tryClaim("g", "k", LEASE)).isEqualTo(ACQUIRED);
    }

    @Test
    void releasingACompletedKeyDoesNotForgetIt() {
        store.tryClaim("g", "k", LEASE);
        store.complete("g", "k");

        store.release("g", "k");

        assertThat(store.tryClaim("g", "k", LEASE)).isEqualTo(COMPLETED);
    }

    @Test
    void scopesAreIndependent() {
        store.tryClaim("group-a", "k", LEASE);
        store.complete("group-a", "k");

        assertThat(store.tryClaim("group-b", "k", LEASE)).isEqualTo(ACQUIRED);
    }

    @Test
    void aCompletedKeyIsForgottenWhenTheWindowEnds() {
        store.tryClaim("g", "k", LEASE);
        clock.advance(Duration.ofSeconds(5)); // the window starts at the completion, not at the claim
        store.complete("g", "k");

        assertThat(store.size()).as("the claim's entry is the completed one").isEqualTo(1);
        clock.advance(WINDOW.minusMillis(1));
        assertThat(store.tryClaim("g", "k", LEASE)).isEqualTo(COMPLETED);

        clock.advance(Duration.ofMillis(1));
        assertThat(store.tryClaim("g", "k", LEASE)).isEqualTo(ACQUIRED);
    }

    @Test
    void anAbandonedClaimExpiresAfterItsLease() {
        store.tryClaim("g", "k", LEASE);

        clock.advance(LEASE.minusMillis(1));
        assertThat(store.tryClaim("g", "k", LEASE)).isEqualTo(IN_PROGRESS);

        clock.advance(Duration.ofMillis(1));
        assertThat(store.tryClaim("g", "k", LEASE)).isEqualTo(ACQUIRED);
    }

    @Test
    void expiredEntriesAreDroppedAsNewOnesArrive() {
        for (int i = 0; i < 10; i++) {
            store.tryClaim("g", "old-" + i, LEASE);
            store.complete("g", "old-" + i);
        }
        clock.advance(WINDOW);

        store.tryClaim("g", "new", LEASE);

        assertThat(store.size()).isEqualTo(1);
    }

    @Test
    void theStoreKeepsAtMostMaxEntriesForgettingTheOldestFirst() {
        InMemoryIdempotencyStore small = new InMemoryIdempotencyStore(clock, WINDOW, 3);
        for (int i = 1; i <= 5; i++) {
            small.tryClaim("g", "k" + i, LEASE);
            small.complete("g", "k" + i);
        }

        assertThat(small.size()).isEqualTo(3);
        assertThat(small.tryClaim("g", "k5", LEASE)).isEqualTo(COMPLETED);
        assertThat(small.tryClaim("g", "k3", LEASE)).isEqualTo(COMPLETED);
        assertThat(small.tryClaim("g", "k1", LEASE)).isEqualTo(ACQUIRED);
    }

    @Test
    void aKeyLookedUpByADuplicateIsKeptOverOnesNotUsedSince() {
        InMemoryIdempotencyStore small = new InMemoryIdempotencyStore(clock, WINDOW, 3);
        for (int i = 1; i <= 3; i++) {
            small.tryClaim("g", "k" + i, LEASE);
            small.complete("g", "k" + i);
        }
        assertThat(small.tryClaim("g", "k1", LEASE)).isEqualTo(COMPLETED); // a duplicate of k1

        small.tryClaim("g", "k4", LEASE);

        assertThat(small.size()).isEqualTo(3);
        assertThat(small.tryClaim("g", "k1", LEASE)).isEqualTo(COMPLETED);
        assertThat(small.tryClaim("g", "k2", LEASE)).isEqualTo(ACQUIRED);
    }

    @Test
    void aCompletionWithoutAClaimIsRemembered() {
        store.complete("g", "k");

        assertThat(store.tryClaim("g", "k", LEASE)).isEqualTo(COMPLETED);
    }

    @Test
    void aLargeStoreSplitIntoSegmentsStillKeepsAtMostMaxEntriesAndForgetsTheOldest() {
        InMemoryIdempotencyStore large = new InMemoryIdempotencyStore(clock, WINDOW, 32_000); // 16 segments
        for (int i = 0; i < 64_000; i++) {
            large.tryClaim("g", "k" + i, LEASE);
            large.complete("g", "k" + i);
        }

        assertThat(large.size()).isLessThanOrEqualTo(32_000).isGreaterThan(30_000);
        for (int i = 63_000; i < 64_000; i++) {
            assertThat(large.tryClaim("g", "k" + i, LEASE)).as("recent key k%d", i).isEqualTo(COMPLETED);
        }
        for (int i = 0; i < 1_000; i++) {
            assertThat(large.tryClaim("g", "k" + i, LEASE)).as("old key k%d", i).isEqualTo(ACQUIRED);
        }
    }

    @Test
    void invalidSettingsAreRejected() {
        assertThat(catchThrowableOfType(SwitchboardException.class,
                () -> new InMemoryIdempotencyStore(clock, Duration.ZERO, 10)).reason())
                .isEqualTo(SwitchboardException.Reason.CONFIGURATION);
        assertThat(catchThrowableOfType(SwitchboardException.class,
                () -> new InMemoryIdempotencyStore(clock, WINDOW, 0)).getMessage()).contains("maxEntries");
    }

    @Test
    void ofManyConcurrentClaimsOfOneKeyExactlyOneIsAcquired() throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 500; round++) {
                String key = "k" + round;
                CyclicBarrier start = new CyclicBarrier(threads);
                List<Future<IdempotencyStore.Claim>> claims = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    claims.add(pool.submit(() -> {
                        start.await(5, TimeUnit.SECONDS);
                        return store.tryClaim("g", key, LEASE);
                    }));
                }
                List<IdempotencyStore.Claim> results = new ArrayList<>();
                for (Future<IdempotencyStore.Claim> claim : claims) {
                    results.add(claim.get(5, TimeUnit.SECONDS));
                }
                assertThat(results).as("round %d", round).containsOnlyOnce(ACQUIRED)
                        .filteredOn(c -> c != ACQUIRED).containsOnly(IN_PROGRESS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
