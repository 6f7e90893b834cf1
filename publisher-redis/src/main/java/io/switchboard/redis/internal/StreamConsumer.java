package io.switchboard.redis.internal;

import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.lettuce.core.models.stream.PendingMessage;
import io.switchboard.DeadLetter;
import io.switchboard.SwitchboardException;
import io.switchboard.spi.ConsumerSpec;
import io.switchboard.spi.DeliveryOutcome;
import io.switchboard.spi.DriverSubscription;
import io.switchboard.spi.InboundMessage;
import io.switchboard.spi.MessageHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One subscription in streams mode: a member (consumer) of the Redis consumer group named after the subscription's
 * group, on every stream its pattern matches.
 *
 * <p>A dedicated connection runs the loop: look for new streams in the registry set (pattern subscriptions), take
 * over entries another consumer left pending longer than the claim-idle time (XAUTOCLAIM), then XREADGROUP with BLOCK
 * for new entries, never more than its free slots (its handler concurrency plus the read-ahead). Handlers run on a
 * {@link KeyedDispatcher} (per-key order within this consumer). An entry is acknowledged (XACK) after its handler
 * returned; a retry keeps it pending and claims it again (XCLAIM with the next delivery count) when its back-off has
 * passed; a dead letter is written to the dead-letter stream and acknowledged in one script. While an entry is in
 * this consumer's hands its idle time is reset periodically (XCLAIM JUSTID), so other consumers do not take over a
 * slow handler or a waiting retry; when the consumer stops, the entries it did not finish are marked idle so another
 * consumer takes them over at once.
 */
public final class StreamConsumer implements DriverSubscription {

    private static final System.Logger LOG = System.getLogger(StreamConsumer.class.getName());

    public static final String FIELD_ID = "id";
    public static final String FIELD_TYPE = "type";
    public static final String FIELD_KEY = "key";
    public static final String FIELD_PAYLOAD = "payload";

    /** Writes the dead letter and acknowledges the source entry atomically: KEYS source, dlq; ARGV group, id, fields. */
    static final String DEAD_LETTER_SCRIPT = "redis.call('XADD', KEYS[2], '*', unpack(ARGV, 3)) "
            + "return redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])";

    private final StatefulRedisConnection<String, byte[]> shared;
    private final StatefulRedisConnection<String, byte[]> reader;
    private final RedisKeys keys;
    private final ConsumerSpec spec;
    private final MessageHandler handler;
    private final Duration blockTimeout;
    private final Duration claimIdle;
    private final Duration commandTimeout;
    private final String group;
    private final Consumer<String> me;
    private final Set<String> streams = ConcurrentHashMap.newKeySet();
    /** Entries this consumer holds (being handled, queued behind their key, or waiting for a retry). */
    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private final Semaphore slots;
    /** Shared by the driver's consumers: acknowledgements waiting for Redis. */
    private final Semaphore ackWindow;
    private final KeyedDispatcher dispatcher;
    private final ScheduledExecutorService timer;
    private final Thread loop;
    private final Runnable onClose;
    private volatile boolean running = true;
    /** Set once close has handed back what was left; outcomes arriving later are ignored. */
    private volatile boolean finished;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
    private volatile long lastEmptyRead = -1;
    /** Acknowledgements sent and not answered yet. */
    private final Set<String> acking = ConcurrentHashMap.newKeySet();
    private long lastDiscovery;
    private long nextClaim;
    private boolean outage;

    /** An entry held by this consumer. */
    private record Held(String stream, String id, Map<String, byte[]> body, int attempt, Instant firstFailureAt) {
    }

    /**
     * Joins the group on the streams matching the pattern (creating the group at the streams' ends, so the
     * subscription gets what is published from now on) and starts consuming. Fails with {@code UNAVAILABLE} when
     * Redis cannot be reached.
     */
    public StreamConsumer(RedisClient client, RedisURI uri, RedisCodec<String, byte[]> codec,
            StatefulRedisConnection<String, byte[]> shared, RedisKeys keys, ConsumerSpec spec, MessageHandler handler,
            Duration blockTimeout, Duration claimIdle, Integer readAhead, Duration commandTimeout, Semaphore ackWindow,
            Runnable onClose) {
        this.shared = shared;
        this.keys = keys;
        this.spec = spec;
        this.handler = handler;
        this.blockTimeout = blockTimeout;
        this.claimIdle = claimIdle;
        this.commandTimeout = commandTimeout;
        this.ackWindow = ackWindow;
        this.onClose = onClose;
        String unique = spec.id() + "-" + UUID.randomUUID().toString().substring(0, 8);
        // A broadcast subscription is a group of its own, starting at the end and removed when it closes.
        this.group = spec.isBroadcast() ? "broadcast-" + unique : spec.group();
        this.me = Consumer.from(group, unique);
        try {
            this.reader = client.connect(codec, uri);
        } catch (RuntimeException e) {
            throw SwitchboardException.of(RedisFailures.reasonOf(e) == SwitchboardException.Reason.TIMEOUT
                    ? SwitchboardException.Reason.TIMEOUT : SwitchboardException.Reason.UNAVAILABLE,
                    "Cannot subscribe " + spec.pattern() + " (group " + group + "): Redis is unreachable: "
                            + e.getMessage(), e);
        }
        try {
            reader.setTimeout(blockTimeout.plus(commandTimeout));
            if (spec.pattern().isWildcard()) {
                for (String stream : registered()) {
                    String type = keys.typeOf(stream);
                    if (type != null && spec.pattern().matches(type)) {
                        join(stream, "$");
                    }
                }
                lastDiscovery = System.nanoTime();
            } else {
                join(keys.stream(spec.pattern().value()), "$");
            }
        } catch (RuntimeException e) {
            reader.close();
            throw SwitchboardException.of(RedisFailures.reasonOf(e), "Cannot subscribe " + spec.pattern()
                    + " (group " + group + "): " + e.getMessage(), e);
        }
        // Entries fetched ahead of a free handler thread (each keeps its lease extended): by default as many as the
        // concurrency.
        this.slots = new Semaphore(spec.maxConcurrency() + (readAhead != null ? readAhead : spec.maxConcurrency()));
        this.dispatcher = new KeyedDispatcher(spec.maxConcurrency(), "switchboard-redis-" + spec.id());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "switchboard-redis-" + spec.id() + "-timer");
            t.setDaemon(true);
            return t;
        });
        long beat = Math.max(50, claimIdle.toMillis() / 3);
        timer.scheduleWithFixedDelay(this::extendLeases, beat, beat, TimeUnit.MILLISECONDS);
        this.nextClaim = System.nanoTime();
        this.loop = new Thread(this::run, "switchboard-redis-" + spec.id() + "-reader");
        loop.setDaemon(true);
        loop.start();
    }

    public String consumerName() {
        return me.getName();
    }

    @Override
    public boolean isActive() {
        return running;
    }

    /**
     * Stops reading, lets running handlers finish within the drain timeout (then interrupts them), and hands every
     * entry it did not finish back to the group: it stays pending and is marked idle, so another consumer takes it
     * over with its next XAUTOCLAIM. Idempotent.
     */
    @Override
    public void close() {
        close(spec.drainTimeout());
    }

    public void close(Duration drain) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        running = false;
        long deadline = System.nanoTime() + Math.max(0, drain.toNanos());
        reader.closeAsync(); // ends a blocked XREADGROUP now rather than after the block timeout
        try {
            loop.join(blockTimeout.plusSeconds(1).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        dispatcher.shutdown(Math.max(0, deadline - System.nanoTime()));
        timer.shutdownNow();
        long ackDeadline = System.nanoTime() + commandTimeout.toNanos();
        while (!acking.isEmpty() && System.nanoTime() < ackDeadline && pause(5)) {
            // acknowledgements already sent are answered (or fail) within the command timeout
        }
        List<Held> unfinished = new ArrayList<>();
        held.forEach((ref, h) -> {
            if (!acking.contains(ref)) {
                unfinished.add(h);
            }
        });
        if (spec.isBroadcast()) {
            destroyGroup();
        } else {
            handBack(unfinished);
        }
        held.clear();
        finished = true;
        onClose.run();
    }

    // ---------------------------------------------------------------------------------------------------- reading

    private void run() {
        long backoff = 50;
        while (running) {
            try {
                if (spec.pattern().isWildcard() && System.nanoTime() - lastDiscovery >= blockTimeout.toNanos()) {
                    discover();
                }
                if (System.nanoTime() - nextClaim >= 0) {
                    claimAbandoned();
                    nextClaim = System.nanoTime() + Math.max(50_000_000L, claimIdle.toNanos() / 2);
                }
                if (streams.isEmpty()) {
                    sleep(blockTimeout.toMillis());
                    continue;
                }
                int n = takeSlots();
                if (n == 0) {
                    continue;
                }
                List<StreamMessage<String, byte[]>> read;
                StreamOffset<String>[] offsets = offsets();
                long seq = reads.incrementAndGet();
                try {
                    // COUNT applies per stream: spread the free slots, so at most one entry per stream goes beyond.
                    read = reader.sync().xreadgroup(me, XReadArgs.Builder.count(Math.max(1, n / offsets.length))
                            .block(blockTimeout), offsets);
                } catch (RuntimeException e) {
                    slots.release(n);
                    throw e;
                }
                if (read.isEmpty()) {
                    lastEmptyRead = seq;
                }
                int withSlot = Math.min(n, read.size());
                slots.release(n - withSlot);
                for (int i = 0; i < read.size(); i++) {
                    StreamMessage<String, byte[]> m = read.get(i);
                    hold(new Held(m.getStream(), m.getId(), m.getBody(), 1, null), i < withSlot);
                }
                if (outage) {
                    outage = false;
                    LOG.log(System.Logger.Level.INFO, "Consumer {0} of group {1} reads from Redis again",
                            me.getName(), group);
                }
                backoff = 50;
            } catch (RedisCommandExecutionException e) {
                if (!running) {
                    break;
                }
                if (String.valueOf(e.getMessage()).startsWith("NOGROUP")) {
                    rejoin(); // the stream or group is gone (deleted, or Redis lost its data): start it again
                } else {
                    failed(e);
                    sleep(backoff);
                    backoff = Math.min(backoff * 2, 1000);
                }
            } catch (RuntimeException e) {
                if (!running) {
                    break;
                }
                failed(e);
                sleep(backoff);
                backoff = Math.min(backoff * 2, 1000);
            }
        }
    }

    private void failed(RuntimeException e) {
        if (!outage) {
            outage = true;
            LOG.log(System.Logger.Level.WARNING, "Consumer " + me.getName() + " of group " + group
                    + " cannot read from Redis, retrying", e);
        }
    }

    /** Waits up to the block timeout for one free handler slot, then takes every free one. */
    private int takeSlots() {
        try {
            if (!slots.tryAcquire(blockTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return 0;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
            return 0;
        }
        return 1 + slots.drainPermits();
    }

    @SuppressWarnings("unchecked")
    private StreamOffset<String>[] offsets() {
        return streams.stream().map(StreamOffset::lastConsumed).toArray(StreamOffset[]::new);
    }

    private List<String> registered() {
        List<String> names = new ArrayList<>();
        for (byte[] member : reader.sync().smembers(keys.registry())) {
            names.add(new String(member, StandardCharsets.UTF_8));
        }
        return names;
    }

    /** Joins streams created since the last look; they are read from their first entry. */
    private void discover() {
        for (String stream : registered()) {
            if (!streams.contains(stream)) {
                String type = keys.typeOf(stream);
                if (type != null && spec.pattern().matches(type)) {
                    join(stream, "0");
                }
            }
        }
        lastDiscovery = System.nanoTime();
    }

    private void join(String stream, String from) {
        try {
            reader.sync().xgroupCreate(StreamOffset.from(stream, from), group,
                    XGroupCreateArgs.Builder.mkstream(true));
        } catch (RedisCommandExecutionException e) {
            if (!String.valueOf(e.getMessage()).startsWith("BUSYGROUP")) {
                throw e;
            }
        }
        streams.add(stream);
    }

    private void rejoin() {
        for (String stream : List.copyOf(streams)) {
            join(stream, "0");
        }
    }

    /**
     * XAUTOCLAIM: takes over entries pending longer than the claim-idle time with any consumer of the group (a
     * crashed one, or one that handed them back), as many as there are free slots. Their attempt is the delivery
     * count Redis kept.
     */
    private void claimAbandoned() {
        for (String stream : List.copyOf(streams)) {
            String cursor = "0-0";
            do {
                int n = slots.drainPermits();
                if (n == 0) {
                    return;
                }
                int used = 0;
                try {
                    ClaimedMessages<String, byte[]> claimed = reader.sync().xautoclaim(stream,
                            XAutoClaimArgs.Builder.xautoclaim(me, claimIdle, cursor).count(n));
                    List<StreamMessage<String, byte[]>> messages = claimed.getMessages();
                    Map<String, Long> deliveries = deliveryCounts(stream, messages);
                    for (StreamMessage<String, byte[]> m : messages) {
                        if (m.getBody() == null || m.getBody().isEmpty() || held.containsKey(ref(stream, m.getId()))) {
                            continue; // trimmed away meanwhile, or already in this consumer's hands
                        }
                        used++;
                        int attempt = (int) Math.max(1, deliveries.getOrDefault(m.getId(), 1L));
                        hold(new Held(stream, m.getId(), m.getBody(), attempt, null), true);
                    }
                    cursor = claimed.getId();
                } finally {
                    slots.release(n - used);
                }
            } while (cursor != null && !"0-0".equals(cursor));
        }
    }

    private Map<String, Long> deliveryCounts(String stream, List<StreamMessage<String, byte[]>> messages) {
        if (messages.isEmpty()) {
            return Map.of();
        }
        Map<String, Long> counts = new HashMap<>();
        List<PendingMessage> pending = reader.sync().xpending(stream, me, Range.create(messages.get(0).getId(),
                messages.get(messages.size() - 1).getId()), Limit.from(messages.size() + held.size() + 16L));
        for (PendingMessage p : pending) {
            counts.put(p.getId(), p.getRedeliveryCount());
        }
        return counts;
    }

    // -------------------------------------------------------------------------------------------------- handling

    private static String ref(String stream, String id) {
        return stream + ' ' + id;
    }

    /** Takes {@code entry} into this consumer's hands and queues it behind earlier entries of its key. */
    private void hold(Held entry, boolean holdsSlot) {
        held.put(ref(entry.stream(), entry.id()), entry);
        byte[] key = entry.body().get(FIELD_KEY);
        try {
            dispatcher.submit(key == null ? null : new String(key, StandardCharsets.UTF_8),
                    () -> handle(entry, holdsSlot));
        } catch (RejectedExecutionException stopping) {
            if (holdsSlot) {
                slots.release(); // closing: the entry stays held and is handed back
            }
        }
    }

    private void handle(Held entry, boolean holdsSlot) {
        try {
            if (!running) {
                return; // closing: not started, so handed back untouched
            }
            byte[] payload = entry.body().get(FIELD_PAYLOAD);
            if (payload == null) {
                payload = describe(entry.body()); // not written by a Switchboard publisher: dead-lettered as malformed
            }
            String type = keys.typeOf(entry.stream());
            DeliveryOutcome outcome;
            try {
                outcome = handler.handle(new InboundMessage(payload, type != null ? type : entry.stream(),
                        entry.attempt(), entry.firstFailureAt(), entry.id()));
            } catch (Throwable t) { // the handler promises not to throw; should it, the entry must not be lost
                LOG.log(System.Logger.Level.ERROR, "Handler of group {0} threw on entry {1}: {2}", group,
                        entry.id(), t.toString());
                outcome = new DeliveryOutcome.Release(Duration.ofSeconds(1));
            }
            settle(entry, outcome);
        } finally {
            if (holdsSlot) {
                slots.release();
            }
        }
    }

    private void settle(Held entry, DeliveryOutcome outcome) {
        if (finished) {
            return; // closed: this entry was handed back already
        }
        String ref = ref(entry.stream(), entry.id());
        if (outcome instanceof DeliveryOutcome.Ack) {
            acking.add(ref);
            CompletableFuture<Long> ack;
            try {
                if (!ackWindow.tryAcquire(commandTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new RedisCommandTimeoutException("the driver's acknowledgement window has been full for "
                            + "longer than the command timeout");
                }
                try {
                    ack = shared.async().xack(entry.stream(), group, entry.id()).toCompletableFuture();
                } catch (RuntimeException e) {
                    ackWindow.release();
                    throw e;
                }
                ack.whenComplete((n, e) -> ackWindow.release());
            } catch (RuntimeException e) {
                ack = CompletableFuture.failedFuture(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ack = CompletableFuture.failedFuture(e);
            }
            ack.whenComplete((n, e) -> {
                if (e != null) {
                    // Still pending: once idle it is claimed again and redelivered (a duplicate, never a loss).
                    LOG.log(System.Logger.Level.WARNING, "Could not acknowledge entry {0} of {1} (group {2}); it "
                            + "will be redelivered: {3}", entry.id(), entry.stream(), group, e.toString());
                }
                held.remove(ref);
                acking.remove(ref);
            });
        } else if (outcome instanceof DeliveryOutcome.DeadLettered dead) {
            try {
                deadLetter(entry, dead.deadLetter());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "Could not write entry {0} of {1} (group {2}) to the dead-letter "
                        + "stream; it stays pending and will be redelivered: {3}", entry.id(), entry.stream(),
                        group, e.toString());
            }
            held.remove(ref);
        } else if (outcome instanceof DeliveryOutcome.Retry retry) {
            later(retry.delay(), entry, entry.attempt() + 1, retry.firstFailureAt());
        } else if (outcome instanceof DeliveryOutcome.Release release) {
            later(release.delay(), entry, entry.attempt(), entry.firstFailureAt());
        }
    }

    private void deadLetter(Held entry, DeadLetter letter) {
        List<byte[]> args = new ArrayList<>();
        args.add(bytes(group));
        args.add(bytes(entry.id()));
        args.add(bytes(FIELD_PAYLOAD));
        args.add(letter.payload());
        letter.metadata().forEach((k, v) -> {
            args.add(bytes(k));
            args.add(bytes(v));
        });
        await(shared.async().eval(DEAD_LETTER_SCRIPT, ScriptOutputType.INTEGER,
                new String[] {entry.stream(), keys.deadLetters()}, args.toArray(byte[][]::new)));
    }

    /** Keeps the entry pending and claims it again after {@code delay}, as delivery number {@code attempt}. */
    private void later(Duration delay, Held entry, int attempt, Instant firstFailureAt) {
        if (!running) {
            return; // closing: handed back with the rest
        }
        try {
            timer.schedule(() -> redeliver(entry, attempt, firstFailureAt), Math.max(0, delay.toNanos()),
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopping) {
            // closing: the entry is still held and is handed back
        }
    }

    private void redeliver(Held entry, int attempt, Instant firstFailureAt) {
        if (!running) {
            return;
        }
        List<StreamMessage<String, byte[]>> claimed;
        try {
            claimed = await(shared.async().xclaim(entry.stream(), me,
                    XClaimArgs.Builder.minIdleTime(0).retryCount(attempt), entry.id()));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "Redelivery of {0} postponed: {1}", entry.id(), e.toString());
            later(Duration.ofMillis(500), entry, attempt, firstFailureAt);
            return;
        }
        if (claimed.isEmpty() || claimed.get(0).getBody() == null || claimed.get(0).getBody().isEmpty()) {
            held.remove(ref(entry.stream(), entry.id())); // acknowledged elsewhere or trimmed away meanwhile
            return;
        }
        hold(new Held(entry.stream(), entry.id(), claimed.get(0).getBody(), attempt, firstFailureAt), false);
    }

    /** Resets the idle time of every held entry, so no other consumer claims what this one is still handling. */
    private void extendLeases() {
        try {
            Map<String, List<String>> byStream = new HashMap<>();
            for (Held h : held.values()) {
                byStream.computeIfAbsent(h.stream(), s -> new ArrayList<>()).add(h.id());
            }
            for (Map.Entry<String, List<String>> e : byStream.entrySet()) {
                shared.async().xclaim(e.getKey(), me, XClaimArgs.Builder.justid(),
                        e.getValue().toArray(String[]::new));
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "Could not extend leases: {0}", e.toString());
        }
    }

    /**
     * Leaves the entries pending but marks them idle (and restores their delivery count, as no attempt was used),
     * so the next XAUTOCLAIM of any consumer of the group takes them over without waiting for the claim-idle time.
     */
    private void handBack(List<Held> entries) {
        List<CompletableFuture<?>> calls = new ArrayList<>();
        for (Held h : entries) {
            try {
                calls.add(shared.async().xclaim(h.stream(), me, XClaimArgs.Builder.justid()
                        .idle(claimIdle.plusSeconds(1)).retryCount(Math.max(0, h.attempt() - 1)), h.id())
                        .toCompletableFuture());
            } catch (RuntimeException e) {
                break; // the connection is gone: the entries are claimed once idle long enough
            }
        }
        try {
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "Handing back {0} entries did not complete: {1}", entries.size(),
                    e.toString());
        }
    }

    /** A broadcast subscription's group has no other member: it goes with the subscription. */
    private void destroyGroup() {
        List<CompletableFuture<?>> calls = new ArrayList<>();
        for (String stream : streams) {
            try {
                calls.add(shared.async().xgroupDestroy(stream, group).toCompletableFuture());
            } catch (RuntimeException e) {
                break;
            }
        }
        try {
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "Removing group {0} did not complete: {1}", group, e.toString());
        }
    }

    /** Whether this consumer reads one of {@code streamNames}. */
    public boolean readsAnyOf(Set<String> streamNames) {
        for (String s : streams) {
            if (streamNames.contains(s)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Waits until a read that started after this call found nothing new for the group (everything published so
     * far has been handed to a member) and this consumer holds no entry any more, or until {@code deadlineNanos}.
     */
    public void awaitSettled(long deadlineNanos) {
        long after = reads.get() + 1;
        while (running && System.nanoTime() < deadlineNanos) {
            if (lastEmptyRead >= after && held.isEmpty()) {
                return;
            }
            if (!pause(5)) {
                return;
            }
        }
    }

    private <T> T await(io.lettuce.core.RedisFuture<T> future) {
        try {
            return future.toCompletableFuture().get(commandTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SwitchboardException.of(SwitchboardException.Reason.INTERRUPTED, "Interrupted waiting for Redis");
        } catch (Exception e) {
            Throwable cause = RedisFailures.unwrap(e);
            throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
        }
    }

    /** The fields of an entry without a payload, as text, so its dead letter shows what arrived. */
    private static byte[] describe(Map<String, byte[]> body) {
        StringBuilder b = new StringBuilder();
        body.forEach((k, v) -> b.append(k).append('=').append(new String(v, StandardCharsets.UTF_8)).append('\n'));
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Sleeps on a caller's thread; false if interrupted (the interrupt is kept). */
    private static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public String toString() {
        return "StreamConsumer[" + me.getName() + " of group " + group + " on " + spec.pattern() + ", "
                + streams.size() + " stream(s)" + (running ? "" : ", closed") + "]";
    }
}
