package io.switchboard.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.output.ValueOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.resource.Delay;
import io.switchboard.Capabilities;
import io.switchboard.Health;
import io.switchboard.DeadLetter;
import io.switchboard.DriverSelection;
import io.switchboard.SwitchboardException;
import io.switchboard.SwitchboardException.Reason;
import io.switchboard.redis.RedisDriverOptions.Mode;
import io.switchboard.redis.internal.PubSubConsumer;
import io.switchboard.redis.internal.RedisFailures;
import io.switchboard.redis.internal.RedisKeys;
import io.switchboard.redis.internal.StreamConsumer;
import io.switchboard.spi.ConsumerSpec;
import io.switchboard.spi.DriverSubscription;
import io.switchboard.spi.EventDriver;
import io.switchboard.spi.MessageHandler;
import io.switchboard.spi.OutboundMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The Redis driver ({@code EVENT_DRIVER=redis}), with lettuce. Two modes, chosen by {@link RedisDriverOptions#mode()}:
 *
 * <p><b>Streams</b> (default, at-least-once). Each event type has a stream, {@code <prefix><type>}
 * ({@code events:billing.invoice.issued}). A publish XADDs the entry (fields {@code id}, {@code type}, {@code key}
 * when the event has an aggregate id, and {@code payload}, the encoded envelope; trimmed as configured); the first
 * one of this driver to a stream, and again one a second, runs it in a script that also adds the stream's name to
 * the registry set {@code <prefix>streams} (so a lost registry is rebuilt); it completes at Redis' reply,
 * which with {@code appendfsync always} is after the write reached the disk. A subscription group is a Redis
 * consumer group of the same name on every stream its pattern matches, pattern subscriptions joining streams that
 * appear in the registry later. See {@link StreamConsumer} for acknowledgement, retries, XAUTOCLAIM and dead
 * letters (stream {@code <prefix>dead-letters}).
 *
 * <p><b>Pub/sub</b> (at-most-once). PUBLISH to channel {@code <prefix><type>}; subscriptions SUBSCRIBE, or
 * PSUBSCRIBE for patterns; only subscriptions connected at the time get an event, each one its own copy.
 *
 * <p>The constructor connects (fails fast with {@code UNAVAILABLE} when Redis is unreachable, or
 * {@code CONFIGURATION} when authentication fails); afterwards lettuce reconnects by itself (retrying every second
 * at most), and commands issued while it is disconnected wait for the reconnection up to the command timeout; a
 * publish not answered by then fails with {@code TIMEOUT}. Thread-safe.
 */
public final class RedisDriver implements EventDriver {

    private static final System.Logger LOG = System.getLogger(RedisDriver.class.getName());
    static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    /** Adds the entry and registers its stream: KEYS stream, registry; ARGV the XADD arguments after the key. */
    static final String PUBLISH_SCRIPT = "redis.call('SADD', KEYS[2], KEYS[1]) "
            + "return redis.call('XADD', KEYS[1], unpack(ARGV))";

    /** The most sends waiting for a reply at once. */
    public static final int MAX_SENDS_IN_FLIGHT = 512;

    /**
     * The most commands of the driver's own client waiting in one connection (lettuce's {@code requestQueueSize}):
     * sends that timed out stay queued in lettuce until Redis answers (or the connection drops), so without a bound a
     * frozen Redis makes them pile up; beyond it a command fails at once with {@code UNAVAILABLE}, nothing sent. Room
     * for the in-flight window plus as many timed-out sends and the consumers' acknowledgements.
     */
    public static final int MAX_QUEUED_COMMANDS = 4 * MAX_SENDS_IN_FLIGHT;

    /**
     * The most acknowledgements (XACK) of all the driver's consumers waiting for Redis at once, on the shared
     * connection, so that with the send window they stay within {@link #MAX_QUEUED_COMMANDS} and leave room for the
     * consumers' other commands. Without it, consumers reading ahead could queue acknowledgements faster than Redis
     * answered them, and lettuce refused commands beyond its queue (acknowledgements lost, entries redelivered).
     */
    public static final int MAX_ACKS_IN_FLIGHT = 2 * MAX_SENDS_IN_FLIGHT;

    /** How long a stream counts as registered by this driver before a publish registers it again. */
    static final Duration REGISTRATION_REFRESH = Duration.ofSeconds(1);

    private static final byte[] AUTO_ID = bytes("*");
    private static final byte[] APPROXIMATE = bytes("~");
    private static final byte[] MINID = bytes("MINID");
    private static final byte[] FIELD_ID = bytes(StreamConsumer.FIELD_ID);
    private static final byte[] FIELD_TYPE = bytes(StreamConsumer.FIELD_TYPE);
    private static final byte[] FIELD_KEY = bytes(StreamConsumer.FIELD_KEY);
    private static final byte[] FIELD_PAYLOAD = bytes(StreamConsumer.FIELD_PAYLOAD);

    private final RedisDriverOptions options;
    private final RedisClient client;
    private final boolean ownsClient;
    private final RedisURI uri;
    private final RedisKeys keys;
    private final StatefulRedisConnection<String, byte[]> connection;
    private final Capabilities capabilities;
    private final Set<DriverSubscription> subscriptions = ConcurrentHashMap.newKeySet();
    /** The pub/sub subscriptions, as an array each publish can look at without allocating (rarely changed). */
    private volatile PubSubConsumer[] pubSubConsumers = new PubSubConsumer[0];
    /** Sends handed to lettuce and not answered yet, for {@link #flush} and {@link #close}. */
    private final LongAdder unanswered = new LongAdder();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Set when {@link #flush(Duration)} starts: a send that has not registered by then fails instead. */
    private volatile boolean flushing;
    /** Sends waiting for Redis' reply at most; a publisher faster than Redis waits here (backpressure). */
    private final Semaphore window = new Semaphore(MAX_SENDS_IN_FLIGHT);
    private final Semaphore ackWindow = new Semaphore(MAX_ACKS_IN_FLIGHT);
    /** Streams this driver has written to, for {@link #flush(Duration)}. */
    private final Set<String> written = ConcurrentHashMap.newKeySet();
    /** Window slots of sends that timed out and may still be queued in lettuce (see {@link #park()}). */
    private final java.util.concurrent.atomic.AtomicInteger parked = new java.util.concurrent.atomic.AtomicInteger();
    /** A PING is out to find out when Redis answers again. */
    private final AtomicBoolean probing = new AtomicBoolean();
    /** Streams this driver registered (script reply received), with the {@link System#nanoTime()} of the send. */
    private final Map<String, Long> registered = new ConcurrentHashMap<>();
    /** The trimming arguments of every XADD ({@code MAXLEN ~ n}), empty with none or MINID (computed per send). */
    private final byte[][] trimArguments;
    /** Lettuce times out every command (our own client, {@link TimeoutOptions#enabled()}): no timer of ours. */
    private final boolean timeoutsByLettuce;

    /** A driver with its own lettuce client, configured from {@code options}. */
    public RedisDriver(RedisDriverOptions options) {
        this(options, null);
    }

    /**
     * A driver using {@code client} (its resources and client options) to connect to the endpoint in
     * {@code options}; the client is not shut down by {@link #close(Duration)}. {@code null} creates an own client.
     */
    public RedisDriver(RedisDriverOptions options, RedisClient client) {
        this.options = Objects.requireNonNull(options, "options");
        this.uri = options.toRedisUri();
        this.keys = new RedisKeys(options.prefix());
        this.ownsClient = client == null;
        this.client = client != null ? client : ownClient(options);
        this.timeoutsByLettuce = ownsClient;
        this.trimArguments = options.trim() == RedisDriverOptions.Trim.MAXLEN
                ? new byte[][] {bytes("MAXLEN"), APPROXIMATE, bytes(Long.toString(options.trimMaxLength()))}
                : options.trim() == RedisDriverOptions.Trim.MINID ? new byte[3][] : new byte[0][];
        try {
            this.connection = this.client.connect(CODEC, uri);
        } catch (RuntimeException e) {
            if (ownsClient) {
                this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
                this.client.getResources().shutdown(0, 2, TimeUnit.SECONDS);
            }
            throw connectFailure(e);
        }
        this.capabilities = options.mode() == Mode.STREAMS ? streamsCapabilities(options, durability())
                : pubSubCapabilities();
    }

    private static RedisClient ownClient(RedisDriverOptions options) {
        // Reconnect within a second of Redis coming back (lettuce's default backs off up to 30 s).
        RedisClient client = RedisClient.create(DefaultClientResources.builder().ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(20), Duration.ofSeconds(1), 2,
                        TimeUnit.MILLISECONDS))
                .build());
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // While reconnecting, commands wait (at most the command timeout) instead of failing at once, so a
                // short outage delays publishes rather than failing them; a publish that times out is TIMEOUT.
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
                // Timed-out commands stay queued until Redis answers: bound them (see MAX_QUEUED_COMMANDS).
                .requestQueueSize(MAX_QUEUED_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(options.connectTimeout()).keepAlive(true)
                        .build())
                .timeoutOptions(TimeoutOptions.enabled())
                .build());
        return client;
    }

    private SwitchboardException connectFailure(RuntimeException e) {
        String detail = String.valueOf(e.getMessage()) + (e.getCause() != null ? ": " + e.getCause().getMessage()
                : "");
        if (detail.contains("WRONGPASS") || detail.contains("NOAUTH") || detail.contains("NOPERM")
                || detail.contains("invalid username-password")) {
            return SwitchboardException.of(Reason.CONFIGURATION, "Redis at " + options.endpoint()
                    + " refused the credentials: check " + RedisDriverOptions.USERNAME + " and "
                    + RedisDriverOptions.PASSWORD + " (or " + RedisDriverOptions.ENV_PASSWORD + ")", e);
        }
        return SwitchboardException.of(Reason.UNAVAILABLE, "Cannot connect to Redis at " + options.endpoint()
                + " (set by " + RedisDriverOptions.URL + " / " + RedisDriverOptions.ENV_URL + ", or "
                + RedisDriverOptions.HOST + " / " + RedisDriverOptions.PORT + "): " + detail, e);
    }

    /**
     * Streams survive a Redis restart only if every write is on disk before Redis answers: declared when the server
     * reports {@code appendonly yes} and {@code appendfsync always}, else only consumer restarts are survived.
     */
    private Capabilities.Durability durability() {
        try {
            Map<String, String> config = connection.sync().configGet("appendonly", "appendfsync");
            if ("yes".equals(config.get("appendonly")) && "always".equals(config.get("appendfsync"))) {
                return Capabilities.Durability.BROKER_RESTART;
            }
            LOG.log(System.Logger.Level.INFO, "Redis at {0} has appendonly={1}, appendfsync={2}: acknowledged events "
                    + "may be lost if Redis crashes; declaring durability CONSUMER_RESTART", options.endpoint(),
                    config.get("appendonly"), config.get("appendfsync"));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.INFO, "Cannot read the persistence settings of Redis at {0} ({1}); declaring "
                    + "durability CONSUMER_RESTART", options.endpoint(), e.getMessage());
        }
        return Capabilities.Durability.CONSUMER_RESTART;
    }

    /**
     * What streams mode declares for {@code options} with the given durability, known without connecting (the
     * hybrid driver declares it before its Redis leg is up). A connected driver's durability comes from the server.
     */
    public static Capabilities streamsCapabilities(RedisDriverOptions options, Capabilities.Durability durability) {
        return Capabilities.builder()
                .delivery(Capabilities.Delivery.AT_LEAST_ONCE)
                .ordering(Capabilities.Ordering.PER_KEY_SINGLE_CONSUMER)
                .orderingAcrossRetry(false)
                .durability(durability)
                .competingConsumers(true)
                .fanOutGroups(true)
                .lateGroupStart(Capabilities.LateGroupStart.LATEST)
                .deadLettering(Capabilities.DeadLettering.LIBRARY)
                .batch(Capabilities.BatchMode.NONE, 1)
                .maxPayloadBytes(options.maxPayloadBytes())
                .attemptCounter(true)
                .destinations(Capabilities.DestinationPolicy.AUTO_CREATE)
                // A pattern subscription notices a new stream within one block timeout.
                .maxDeliveryLatency(options.blockTimeout().plusMillis(500))
                .maxRedeliveryLatency(Duration.ofMillis(500))
                .build();
    }

    private Capabilities pubSubCapabilities() {
        return Capabilities.builder()
                .delivery(Capabilities.Delivery.AT_MOST_ONCE)
                .ordering(Capabilities.Ordering.NONE)
                .durability(Capabilities.Durability.NONE)
                .competingConsumers(false)
                .fanOutGroups(true)
                .lateGroupStart(Capabilities.LateGroupStart.LATEST)
                .deadLettering(Capabilities.DeadLettering.NONE)
                .batch(Capabilities.BatchMode.NONE, 1)
                .maxPayloadBytes(options.maxPayloadBytes())
                .attemptCounter(false)
                .destinations(Capabilities.DestinationPolicy.AUTO_CREATE)
                .maxDeliveryLatency(Duration.ofMillis(500))
                .maxRedeliveryLatency(Duration.ofMillis(500))
                .build();
    }

    @Override
    public String name() {
        return DriverSelection.REDIS;
    }

    /** The publishing connection: UP while lettuce has it connected, DOWN while it is (re)connecting or closed. */
    @Override
    public List<Health> health() {
        String component = "redis connection";
        if (closed.get()) {
            return List.of(Health.down(component, "closed"));
        }
        return List.of(connection.isOpen() ? Health.up(component, options.endpoint())
                : Health.down(component, "not connected to " + options.endpoint() + ", reconnecting"));
    }

    /**
     * Streams: at-least-once; per-key order for one consumer (not across a retry: a retried entry waits for its
     * back-off while later ones go on); durable across broker restarts when Redis runs with {@code appendfsync
     * always}, else across consumer restarts; competing consumers and fan-out; a new group starts at the streams'
     * ends; library dead-lettering to {@code <prefix>dead-letters}; exact attempt counter (Redis' delivery count).
     * Pub/sub: at-most-once, no order, nothing durable, each subscription gets its own copy (no competing consumers),
     * no dead-lettering.
     */
    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    public RedisDriverOptions options() {
        return options;
    }

    @Override
    public CompletableFuture<Void> send(OutboundMessage message) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(SwitchboardException.closed("The Redis driver"));
        }
        String destination = options.mode() == Mode.STREAMS ? keys.stream(message.type())
                : keys.channel(message.type());
        if (message.payload().length > options.maxPayloadBytes()) {
            return CompletableFuture.failedFuture(SwitchboardException.forEvent(Reason.TOO_LARGE,
                    message.eventId(), message.type(), destination, "The encoded event is " + message.payload().length
                            + " bytes; the limit is " + options.maxPayloadBytes() + " bytes ("
                            + RedisDriverOptions.MAX_PAYLOAD_BYTES + "); nothing was sent", null));
        }
        try {
            if (!window.tryAcquire(options.commandTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                return CompletableFuture.failedFuture(SwitchboardException.forEvent(Reason.TIMEOUT,
                        message.eventId(), message.type(), destination, MAX_SENDS_IN_FLIGHT + " sends have been "
                                + "waiting for Redis at " + options.endpoint() + " longer than the command timeout; "
                                + "nothing was sent", null));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(SwitchboardException.forEvent(Reason.INTERRUPTED,
                    message.eventId(), message.type(), destination, "Interrupted while waiting to send; nothing was "
                            + "sent", e));
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        unanswered.increment();
        if (options.mode() == Mode.STREAMS) {
            written.add(destination);
        } else {
            PubSubConsumer[] consumers = pubSubConsumers;
            if (consumers.length > 0) {
                long deadline = System.nanoTime() + options.commandTimeout().toNanos();
                for (PubSubConsumer consumer : consumers) {
                    consumer.awaitAttached(deadline); // own subscribers reconnecting after an outage come first
                }
            }
        }
        if (closed.get() || flushing) { // a flush or close started meanwhile and may not have seen this send
            window.release();
            unanswered.decrement();
            done.completeExceptionally(SwitchboardException.closed("The Redis driver (flushed for closing)"));
            return done;
        }
        try {
            CompletableFuture<?> reply;
            if (options.mode() == Mode.PUBSUB) {
                reply = connection.async().publish(destination, message.payload()).toCompletableFuture();
            } else if (needsRegistration(destination)) {
                long sentAt = System.nanoTime();
                reply = connection.async().eval(PUBLISH_SCRIPT, ScriptOutputType.VALUE,
                        new String[] {destination, keys.registry()}, xaddArguments(message)).toCompletableFuture();
                reply.thenRun(() -> registered.merge(destination, sentAt, Math::max));
            } else {
                CommandArgs<String, byte[]> args = new CommandArgs<>(CODEC).addKey(destination);
                for (byte[] arg : xaddArguments(message)) {
                    args.add(arg);
                }
                reply = connection.async().dispatch(CommandType.XADD, new ValueOutput<>(CODEC), args)
                        .toCompletableFuture();
            }
            if (!timeoutsByLettuce) { // a client of the caller's may have no command timeout: a timer of our own
                reply = reply.orTimeout(options.commandTimeout().toMillis() + 500, TimeUnit.MILLISECONDS);
            }
            reply.whenComplete((ok, error) -> {
                unanswered.decrement();
                if (error == null) {
                    window.release();
                    if (parked.get() > 0) {
                        releaseParked(); // Redis answers again: what timed out before is answered or dropped too
                    }
                    done.complete(null);
                } else {
                    if (RedisFailures.reasonOf(error) == Reason.TIMEOUT) {
                        park();
                    } else {
                        window.release();
                    }
                    done.completeExceptionally(RedisFailures.forSend(error, message.eventId(), message.type(),
                            destination, options.endpoint()));
                }
            });
        } catch (RuntimeException e) {
            window.release();
            unanswered.decrement();
            done.completeExceptionally(RedisFailures.forSend(e, message.eventId(), message.type(), destination,
                    options.endpoint()));
        }
        return done;
    }

    /**
     * A send timed out, but lettuce keeps its command (and payload) until Redis answers it or the connection drops:
     * its slot stays taken until then, so a frozen Redis holds at most {@link #MAX_SENDS_IN_FLIGHT} sends and the
     * publisher waits for room (then {@code TIMEOUT}, nothing sent) instead of queueing more. Replies come in order
     * on the connection, so a later reply (a send's, or a PING sent here) means the earlier commands are done.
     */
    private void park() {
        parked.incrementAndGet();
        probe();
    }

    private void probe() {
        if (closed.get() || parked.get() == 0 || !probing.compareAndSet(false, true)) {
            return;
        }
        try {
            connection.async().ping().toCompletableFuture()
                    .orTimeout(options.commandTimeout().toMillis() + 500, TimeUnit.MILLISECONDS)
                    .whenComplete((pong, error) -> {
                        probing.set(false);
                        if (error == null) {
                            releaseParked();
                        } else if (RedisFailures.reasonOf(error) == Reason.TIMEOUT) {
                            probe(); // still no answer: ask again
                        } else { // refused (disconnected, queue full): ask again later
                            CompletableFuture.delayedExecutor(options.commandTimeout().toMillis(),
                                    TimeUnit.MILLISECONDS).execute(this::probe);
                        }
                    });
        } catch (RuntimeException e) {
            probing.set(false);
            releaseParked(); // the connection refuses commands: nothing of ours is waiting in it
        }
    }

    private void releaseParked() {
        int n = parked.getAndSet(0);
        if (n > 0) {
            window.release(n);
        }
    }

    /**
     * Whether a publish to {@code stream} must (re-)register it with the script: the first one of this driver, and
     * again once the last registration is older than {@link #REGISTRATION_REFRESH}, so a registry set lost since
     * (FLUSHALL, a Redis restarted without persistence) is rebuilt within that time while the stream is written.
     */
    private boolean needsRegistration(String stream) {
        Long at = registered.get(stream);
        return at == null || System.nanoTime() - at > REGISTRATION_REFRESH.toNanos();
    }

    private byte[][] xaddArguments(OutboundMessage message) {
        byte[][] args = new byte[trimArguments.length + (message.key() != null ? 9 : 7)][];
        int i = 0;
        if (options.trim() == RedisDriverOptions.Trim.MINID) {
            args[i++] = MINID;
            args[i++] = APPROXIMATE;
            args[i++] = bytes(Long.toString(System.currentTimeMillis() - options.trimMaxAge().toMillis()));
        } else {
            for (byte[] a : trimArguments) {
                args[i++] = a;
            }
        }
        args[i++] = AUTO_ID;
        args[i++] = FIELD_ID;
        args[i++] = bytes(message.eventId());
        args[i++] = FIELD_TYPE;
        args[i++] = bytes(message.type());
        if (message.key() != null) {
            args[i++] = FIELD_KEY;
            args[i++] = bytes(message.key());
        }
        args[i++] = FIELD_PAYLOAD;
        args[i] = message.payload();
        return args;
    }

    @Override
    public DriverSubscription subscribe(ConsumerSpec spec, MessageHandler handler) {
        ensureOpen();
        DriverSubscription[] self = new DriverSubscription[1];
        Runnable onClose = () -> {
            subscriptions.remove(self[0]);
            if (self[0] instanceof PubSubConsumer) {
                updatePubSubConsumers();
            }
        };
        if (options.mode() == Mode.PUBSUB) {
            self[0] = new PubSubConsumer(client, uri, CODEC, keys, spec, handler, onClose);
        } else {
            self[0] = new StreamConsumer(client, uri, CODEC, connection, keys, spec, handler, options.blockTimeout(),
                    options.claimIdle(), options.readAhead(), options.commandTimeout(), ackWindow, onClose);
        }
        subscriptions.add(self[0]);
        if (self[0] instanceof PubSubConsumer) {
            updatePubSubConsumers();
        }
        if (closed.get()) {
            self[0].close();
            ensureOpen();
        }
        return self[0];
    }

    /**
     * Waits, at most {@code timeout}, until every send has been answered and every open subscription of this driver
     * has settled what was published before: in streams mode, one reading a stream this driver wrote to has been
     * handed everything in its streams and acknowledged or dead-lettered it (or holds it for a retry still due); in
     * pub/sub mode, each subscription has received and handled what Redis sent it. Sends made after the flush
     * started fail with {@code CLOSED} (the flush is the first step of closing the publisher). Called by {@code Switchboard.close()} before subscriptions close, so
     * events published by this process are handled by its own subscribers where they can be.
     */
    @Override
    public void flush(Duration timeout) {
        flushing = true; // from here on sends fail with CLOSED: every successful one is included below
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        if (!awaitAnswered(deadline)) {
            LOG.log(System.Logger.Level.DEBUG, "Flush: {0} send(s) still unanswered", unanswered.sum());
        }
        for (DriverSubscription s : List.copyOf(subscriptions)) {
            if (s instanceof StreamConsumer consumer && consumer.readsAnyOf(written)) {
                consumer.awaitSettled(deadline);
            } else if (s instanceof PubSubConsumer consumer) {
                consumer.awaitSettled(deadline);
            }
        }
    }

    /**
     * Every entry of the dead-letter stream {@code <prefix>dead-letters}, oldest first: the original payload and the
     * {@link DeadLetter.Keys} metadata. Streams mode only (empty in pub/sub mode).
     */
    public List<DeadLetter> deadLetters() {
        ensureOpen();
        if (options.mode() != Mode.STREAMS) {
            return List.of();
        }
        List<StreamMessage<String, byte[]>> entries;
        try {
            entries = connection.sync().xrange(keys.deadLetters(), Range.unbounded());
        } catch (RuntimeException e) {
            throw SwitchboardException.of(RedisFailures.reasonOf(e), "Cannot read the dead-letter stream "
                    + keys.deadLetters() + " at " + options.endpoint() + ": " + e.getMessage(), e);
        }
        List<DeadLetter> letters = new ArrayList<>();
        for (StreamMessage<String, byte[]> m : entries) {
            Map<String, String> metadata = new LinkedHashMap<>();
            byte[] payload = new byte[0];
            for (Map.Entry<String, byte[]> field : m.getBody().entrySet()) {
                if (field.getKey().equals(StreamConsumer.FIELD_PAYLOAD)) {
                    payload = field.getValue();
                } else {
                    metadata.put(field.getKey(), new String(field.getValue(), StandardCharsets.UTF_8));
                }
            }
            letters.add(new DeadLetter(payload, metadata));
        }
        return letters;
    }

    /** The key names used in Redis (streams, channels, registry, dead-letter stream). */
    public RedisKeys keys() {
        return keys;
    }

    /** {@link RedisClient} and the driver's shared {@link StatefulRedisConnection} are available. */
    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        if (type.isInstance(client)) {
            return Optional.of(type.cast(client));
        }
        if (type.isInstance(connection)) {
            return Optional.of(type.cast(connection));
        }
        return EventDriver.super.unwrap(type);
    }

    /**
     * Waits for sends still waiting for Redis' reply (at most {@code drainTimeout}; a later send fails with
     * {@code CLOSED}), closes subscriptions still open, then the connections, and the client if the driver created
     * it. Idempotent.
     */
    @Override
    public void close(Duration drainTimeout) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Duration drain = drainTimeout == null || drainTimeout.isNegative() ? Duration.ZERO : drainTimeout;
        if (!awaitAnswered(System.nanoTime() + Math.max(drain.toNanos(), TimeUnit.MILLISECONDS.toNanos(100)))) {
            LOG.log(System.Logger.Level.DEBUG, "Closing with {0} send(s) still unanswered", unanswered.sum());
        }
        for (DriverSubscription s : List.copyOf(subscriptions)) {
            if (s instanceof StreamConsumer streams) {
                streams.close(drain);
            } else if (s instanceof PubSubConsumer pubSub) {
                pubSub.close(drain);
            } else {
                s.close();
            }
        }
        try {
            connection.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "Closing the Redis connection: {0}", e.toString());
        }
        if (ownsClient) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            client.getResources().shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return "RedisDriver[" + options.mode().name().toLowerCase(java.util.Locale.ROOT) + ", " + options.endpoint()
                + ", " + subscriptions.size() + " subscription(s)" + (closed.get() ? ", closed" : "") + "]";
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw SwitchboardException.closed("The Redis driver");
        }
    }

    private synchronized void updatePubSubConsumers() {
        pubSubConsumers = subscriptions.stream().filter(PubSubConsumer.class::isInstance)
                .map(PubSubConsumer.class::cast).toArray(PubSubConsumer[]::new);
    }

    /** Waits until every send handed to lettuce has been answered (or failed), at most until the deadline. */
    private boolean awaitAnswered(long deadlineNanos) {
        while (unanswered.sum() > 0) {
            if (System.nanoTime() - deadlineNanos >= 0) {
                return false;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
