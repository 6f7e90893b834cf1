package io.switchboard.redis.internal;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.switchboard.SwitchboardException;
import io.switchboard.spi.ConsumerSpec;
import io.switchboard.spi.DeliveryOutcome;
import io.switchboard.spi.DriverSubscription;
import io.switchboard.spi.InboundMessage;
import io.switchboard.spi.MessageHandler;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One subscription in pub/sub mode: its own connection, SUBSCRIBE for a single type or PSUBSCRIBE with the pattern's
 * glob, and an exact match of the type afterwards. Every subscription gets every message published while it is
 * subscribed (groups do not compete). Handlers run on up to {@code maxConcurrency} threads; at most
 * {@link #BUFFER} messages wait for a thread, more are dropped. Failed handlers are not retried: at most once.
 */
public final class PubSubConsumer implements DriverSubscription {

    private static final System.Logger LOG = System.getLogger(PubSubConsumer.class.getName());
    /** Messages received and waiting for a handler thread, beyond which new ones are dropped. */
    public static final int BUFFER = 10_000;

    private final StatefulRedisPubSubConnection<String, byte[]> connection;
    private final RedisKeys keys;
    private final ConsumerSpec spec;
    private final MessageHandler handler;
    private final Semaphore room;
    private final KeyedDispatcher dispatcher;
    private final Runnable onClose;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean running = true;
    /** Connected and (re)subscribed; false from a disconnection until lettuce's resubscription is confirmed. */
    private volatile boolean attached;

    public PubSubConsumer(RedisClient client, RedisURI uri, RedisCodec<String, byte[]> codec, RedisKeys keys,
            ConsumerSpec spec, MessageHandler handler, Runnable onClose) {
        this.keys = keys;
        this.spec = spec;
        this.handler = handler;
        this.onClose = onClose;
        this.room = new Semaphore(BUFFER + spec.maxConcurrency());
        this.dispatcher = new KeyedDispatcher(spec.maxConcurrency(), "switchboard-redis-" + spec.id());
        try {
            this.connection = client.connectPubSub(codec, uri);
        } catch (RuntimeException e) {
            dispatcher.shutdown(0);
            throw SwitchboardException.of(SwitchboardException.Reason.UNAVAILABLE, "Cannot subscribe "
                    + spec.pattern() + ": Redis is unreachable: " + e.getMessage(), e);
        }
        connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, byte[] message) {
                receive(channel, message);
            }

            @Override
            public void message(String pattern, String channel, byte[] message) {
                receive(channel, message);
            }

            @Override
            public void subscribed(String channel, long count) {
                attached = true;
            }

            @Override
            public void psubscribed(String pattern, long count) {
                attached = true;
            }
        });
        connection.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
                attached = false;
            }
        });
        try {
            if (spec.pattern().isWildcard()) {
                connection.sync().psubscribe(keys.glob(spec.pattern()));
            } else {
                connection.sync().subscribe(keys.channel(spec.pattern().value()));
            }
        } catch (RuntimeException e) {
            connection.close();
            dispatcher.shutdown(0);
            throw SwitchboardException.of(RedisFailures.reasonOf(e), "Cannot subscribe " + spec.pattern() + ": "
                    + e.getMessage(), e);
        }
    }

    private void receive(String channel, byte[] message) {
        String type = keys.typeOf(channel);
        if (!running || type == null || !spec.pattern().matches(type)) {
            return; // the glob's * also spans dots: the exact pattern decides
        }
        if (!room.tryAcquire()) {
            if (dropped.incrementAndGet() % 1000 == 1) {
                LOG.log(System.Logger.Level.WARNING, "Subscription {0} ({1}) is {2} messages behind; dropping "
                        + "({3} dropped so far)", spec.id(), spec.pattern(), BUFFER, dropped.get());
            }
            return;
        }
        try {
            dispatcher.submit(null, () -> {
                try {
                    if (running) {
                        settle(type, handler.handle(new InboundMessage(message, type, 1, null, null)));
                    }
                } finally {
                    room.release();
                }
            });
        } catch (RejectedExecutionException closing) {
            room.release();
        }
    }

    private void settle(String type, DeliveryOutcome outcome) {
        if (outcome instanceof DeliveryOutcome.Retry retry) {
            LOG.log(System.Logger.Level.DEBUG, "Pub/sub delivery of {0} failed and is not retried (at most once): {1}",
                    type, String.valueOf(retry.failure()));
        } else if (outcome instanceof DeliveryOutcome.DeadLettered dead) {
            LOG.log(System.Logger.Level.WARNING, "Pub/sub delivery of {0} dropped (no dead-letter destination in "
                    + "pub/sub mode): {1}", type, dead.deadLetter());
        }
    }

    /**
     * Waits until everything published before this call has been received and handled, or until
     * {@code deadlineNanos}: a PING on the subscription's connection is answered after every message Redis queued
     * for it before, and then the received messages are waited for.
     */
    public void awaitSettled(long deadlineNanos) {
        try {
            connection.async().ping().toCompletableFuture()
                    .get(Math.max(0, deadlineNanos - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            return; // not connected: nothing more will arrive for the messages published meanwhile
        }
        int idle = BUFFER + spec.maxConcurrency();
        while (running && room.availablePermits() < idle && System.nanoTime() < deadlineNanos) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Waits until this subscription is connected and subscribed, at most until {@code deadlineNanos}: while lettuce
     * reconnects and resubscribes after an outage, publishes of the same driver wait here, so its own subscribers do
     * not miss what it publishes right after the outage.
     */
    public void awaitAttached(long deadlineNanos) {
        while (running && !attached && System.nanoTime() < deadlineNanos) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Messages dropped because the handlers fell more than {@link #BUFFER} behind. */
    public long dropped() {
        return dropped.get();
    }

    @Override
    public boolean isActive() {
        return running;
    }

    @Override
    public void close() {
        close(spec.drainTimeout());
    }

    public void close(Duration drain) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        running = false; // queued messages are not handled any more; running handlers get the drain time
        try {
            connection.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "Closing the pub/sub connection: {0}", e.toString());
        }
        dispatcher.shutdown(Math.max(0, drain.toNanos()));
        onClose.run();
    }

    @Override
    public String toString() {
        return "PubSubConsumer[" + spec.id() + " on " + spec.pattern() + (running ? "" : ", closed") + "]";
    }
}
