package io.switchboard.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.switchboard.SwitchboardException;
import io.switchboard.SwitchboardException.Reason;
import org.junit.jupiter.api.Test;

class RedisFailuresTest {

    @Test
    void aFullLettuceQueueIsUnavailableWithNothingSent() {
        RedisException full = new RedisException("Request queue size exceeded: 2048. Commands are not accepted until "
                + "the queue size drops.");
        assertThat(RedisFailures.reasonOf(full)).isEqualTo(Reason.UNAVAILABLE);
        assertThat(RedisFailures.reasonOf(new RedisException("Internal stack size exceeded: 2048. Commands are not "
                + "accepted until the stack size drops."))).isEqualTo(Reason.UNAVAILABLE);
        SwitchboardException e = RedisFailures.forSend(full, "id-1", "a.b.c", "events:a.b.c", "redis://h:1");
        assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
        assertThat(e.getMessage()).contains("nothing was sent").contains("redis://h:1");
    }

    @Test
    void otherFailuresKeepTheirReasons() {
        assertThat(RedisFailures.reasonOf(new RedisCommandTimeoutException("late"))).isEqualTo(Reason.TIMEOUT);
        assertThat(RedisFailures.reasonOf(new RedisException("something else"))).isEqualTo(Reason.DRIVER_ERROR);
    }
}
