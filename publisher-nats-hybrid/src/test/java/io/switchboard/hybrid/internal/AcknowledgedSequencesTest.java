package io.switchboard.hybrid.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.hybrid.internal.AcknowledgedSequences.Verdict;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AcknowledgedSequencesTest {

    private final AtomicLong now = new AtomicLong();
    private final AcknowledgedSequences memory = new AcknowledgedSequences(3, Duration.ofSeconds(10), now::get);

    @Test
    void aRedeliveryOfAnAcknowledgedMessageIsRecognisedAndADifferentMessageIsNot() {
        assertThat(memory.begin(7, 700)).isEqualTo(Verdict.NEW);
        memory.finished(7, 700, true);
        assertThat(memory.begin(7, 700)).isEqualTo(Verdict.ACKNOWLEDGED);
        // same sequence, other store time: a re-created stream's message, never suppressed
        assertThat(memory.begin(7, 701)).isEqualTo(Verdict.NEW);
        memory.finished(7, 701, false);
        assertThat(memory.begin(8, 800)).isEqualTo(Verdict.NEW);
    }

    @Test
    void aMessageNotAcknowledgedIsHandledAgainAndOneBeingHandledIsInProgress() {
        assertThat(memory.begin(1, 10)).isEqualTo(Verdict.NEW);
        assertThat(memory.begin(1, 10)).isEqualTo(Verdict.IN_PROGRESS);
        memory.finished(1, 10, false); // NAKed (retry): the next delivery is handled
        assertThat(memory.begin(1, 10)).isEqualTo(Verdict.NEW);
    }

    @Test
    void theWindowIsBoundedByCountAndAge() {
        for (long s = 1; s <= 4; s++) {
            memory.begin(s, s);
            memory.finished(s, s, true);
        }
        assertThat(memory.size()).isEqualTo(3);
        assertThat(memory.begin(1, 1)).isEqualTo(Verdict.NEW); // the oldest fell out by count
        memory.finished(1, 1, false);
        assertThat(memory.begin(4, 4)).isEqualTo(Verdict.ACKNOWLEDGED);
        now.addAndGet(Duration.ofSeconds(11).toNanos());
        assertThat(memory.begin(4, 4)).isEqualTo(Verdict.NEW); // older than the window
        assertThat(memory.size()).isZero();
    }

    @Test
    void invalidBoundsAreRejected() {
        assertThatThrownBy(() -> new AcknowledgedSequences(0, Duration.ofSeconds(1), now::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacity");
    }
}
