package io.switchboard.brokers;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.brokers.internal.ProcessRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Every process started is gone after close, and after what the shutdown hook does for those never closed. */
class NoLeaksTest {

    private static boolean gone(long pid) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isEmpty();
    }

    @Test
    void closeStopsTheProcessesAndDeletesTheData() {
        RedisServer redis = new RedisServer(RedisOptions.aofAlways()).start();
        NatsServer nats = new NatsServer(NatsOptions.defaults()).start();
        long redisPid = redis.pid();
        long natsPid = nats.pid();
        Path redisData = redis.dataDirectory();
        Path natsData = nats.dataDirectory();
        assertThat(ProcessRegistry.running()).extracting(ProcessHandle::pid).contains(redisPid, natsPid);

        redis.close();
        nats.close();
        nats.close(); // idempotent

        assertThat(gone(redisPid)).isTrue();
        assertThat(gone(natsPid)).isTrue();
        assertThat(redisData).doesNotExist();
        assertThat(natsData).doesNotExist();
        assertThat(ProcessRegistry.running()).extracting(ProcessHandle::pid).doesNotContain(redisPid, natsPid);
    }

    @Test
    void theShutdownHookKillsWhatWasNeverClosed() {
        RedisServer redis = new RedisServer(RedisOptions.defaults()).start();
        NatsServer nats = new NatsServer(NatsOptions.defaults()).start();
        nats.freeze(); // a frozen broker must go too
        long redisPid = redis.pid();
        long natsPid = nats.pid();
        Path natsData = nats.dataDirectory();
        try {
            ProcessRegistry.killAll();

            assertThat(gone(redisPid)).isTrue();
            assertThat(gone(natsPid)).isTrue();
            assertThat(natsData).doesNotExist();
            assertThat(ProcessRegistry.running()).isEmpty();
        } finally {
            redis.close();
            nats.close();
        }
    }
}
