package io.switchboard.hybrid;

import io.switchboard.SwitchboardException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Settings of the JetStream queue leg ({@code event.hybrid.queue=jetstream}), validated at construction.
 *
 * <p>Events are stored on subject {@code <subjectPrefix>.<type>} (upper-case, so it never collides with a broadcast
 * subject, which is a lower-case type). With {@link StreamMode#PER_CONTEXT} each context (the type's first segment)
 * has its stream {@code <streamPrefix><CONTEXT>}, created on first use; with {@link StreamMode#SINGLE} one stream
 * {@code streamName} holds every type. Dead letters go to {@code <deadLetterSubject>.<type>} in stream
 * {@code deadLetterStream}, with the standard {@code dlq-*} metadata as headers.
 *
 * @param url               the NATS server(s) for JetStream; {@code null}: the broadcast leg's URL
 * @param subjectPrefix     the first subject token of stored events
 * @param streamMode        a stream per context, or one stream
 * @param streamPrefix      the stream name prefix in {@code PER_CONTEXT} mode
 * @param streamName        the stream in {@code SINGLE} mode
 * @param duplicateWindow   the stream's publish-side dedup window: a re-publish with the same event id
 *                          ({@code Nats-Msg-Id}) within it is dropped by the server
 * @param ackWait           how long a delivery may stay unacknowledged before the server redelivers it (handlers
 *                          in progress extend it)
 * @param maxAckPending     the most unacknowledged deliveries per group consumer (bounds client-side prefetch)
 * @param deadLetterSubject the subject prefix of dead letters
 * @param deadLetterStream  the stream holding dead letters
 * @param replicas          stream replicas (1 on a single server)
 */
public record JetStreamOptions(String url, String subjectPrefix, StreamMode streamMode, String streamPrefix,
        String streamName, Duration duplicateWindow, Duration ackWait, int maxAckPending, String deadLetterSubject,
        String deadLetterStream, int replicas) {

    public static final String PREFIX = HybridDriverOptions.PREFIX + ".jetstream";
    public static final String URL = PREFIX + ".url";
    public static final String SUBJECT_PREFIX = PREFIX + ".subject-prefix";
    public static final String STREAM_MODE = PREFIX + ".stream-mode";
    public static final String STREAM_PREFIX = PREFIX + ".stream-prefix";
    public static final String STREAM_NAME = PREFIX + ".stream-name";
    public static final String DUPLICATE_WINDOW = PREFIX + ".duplicate-window";
    public static final String ACK_WAIT = PREFIX + ".ack-wait";
    public static final String MAX_ACK_PENDING = PREFIX + ".max-ack-pending";
    public static final String DEAD_LETTER_SUBJECT = PREFIX + ".dead-letter-subject";
    public static final String DEAD_LETTER_STREAM = PREFIX + ".dead-letter-stream";
    public static final String REPLICAS = PREFIX + ".replicas";

    public static final Duration DEFAULT_DUPLICATE_WINDOW = Duration.ofMinutes(2);
    public static final Duration DEFAULT_ACK_WAIT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_ACK_PENDING = 1_000;

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern STREAM = Pattern.compile("[A-Za-z0-9_-]+");

    public enum StreamMode {
        PER_CONTEXT, SINGLE;

        public static StreamMode parse(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            return switch (v) {
                case "per-context" -> PER_CONTEXT;
                case "single" -> SINGLE;
                default -> throw SwitchboardException.configuration(STREAM_MODE + " must be per-context or single, "
                        + "got '" + value + "'");
            };
        }
    }

    public JetStreamOptions {
        url = url == null || url.isBlank() ? null : url.trim();
        subjectPrefix = subjectPrefix == null ? "SBQ" : subjectPrefix.trim();
        streamMode = streamMode == null ? StreamMode.PER_CONTEXT : streamMode;
        streamPrefix = streamPrefix == null ? "SB_" : streamPrefix.trim();
        streamName = streamName == null ? "SWITCHBOARD" : streamName.trim();
        duplicateWindow = duplicateWindow == null ? DEFAULT_DUPLICATE_WINDOW : duplicateWindow;
        ackWait = ackWait == null ? DEFAULT_ACK_WAIT : ackWait;
        maxAckPending = maxAckPending == 0 ? DEFAULT_MAX_ACK_PENDING : maxAckPending;
        deadLetterSubject = deadLetterSubject == null ? "SBQ_DLQ" : deadLetterSubject.trim();
        deadLetterStream = deadLetterStream == null ? "SB_DEAD_LETTERS" : deadLetterStream.trim();
        replicas = replicas == 0 ? 1 : replicas;
        List<String> problems = new ArrayList<>();
        if (!TOKEN.matcher(subjectPrefix).matches() || subjectPrefix.equals(subjectPrefix.toLowerCase(Locale.ROOT))) {
            problems.add(SUBJECT_PREFIX + " must be one subject token of letters, digits, '-' or '_' with at least "
                    + "one upper-case letter, so it can never equal an event type's context (e.g. 'SBQ'), got '"
                    + subjectPrefix + "'");
        }
        if (!TOKEN.matcher(deadLetterSubject).matches() || deadLetterSubject.equals(subjectPrefix)
                || deadLetterSubject.equals(deadLetterSubject.toLowerCase(Locale.ROOT))) {
            problems.add(DEAD_LETTER_SUBJECT + " must be one upper-case subject token different from "
                    + SUBJECT_PREFIX + " (e.g. 'SBQ_DLQ'), got '" + deadLetterSubject + "'");
        }
        if (!streamPrefix.isEmpty() && !STREAM.matcher(streamPrefix).matches()) {
            problems.add(STREAM_PREFIX + " may hold letters, digits, '-' and '_' only, got '" + streamPrefix + "'");
        }
        if (!STREAM.matcher(streamName).matches()) {
            problems.add(STREAM_NAME + " may hold letters, digits, '-' and '_' only, got '" + streamName + "'");
        }
        if (!STREAM.matcher(deadLetterStream).matches()) {
            problems.add(DEAD_LETTER_STREAM + " may hold letters, digits, '-' and '_' only, got '"
                    + deadLetterStream + "'");
        }
        if (duplicateWindow.isNegative()) {
            problems.add(DUPLICATE_WINDOW + " must be >= 0, got " + duplicateWindow);
        }
        if (ackWait.compareTo(Duration.ofSeconds(1)) < 0) {
            problems.add(ACK_WAIT + " must be >= 1s, got " + ackWait);
        }
        if (maxAckPending < 1) {
            problems.add(MAX_ACK_PENDING + " must be >= 1, got " + maxAckPending);
        }
        if (replicas < 1 || replicas > 5) {
            problems.add(REPLICAS + " must be 1-5, got " + replicas);
        }
        if (!problems.isEmpty()) {
            throw SwitchboardException.configuration("Invalid JetStream queue options: "
                    + String.join("; ", problems));
        }
    }

    public static JetStreamOptions defaults() {
        return new JetStreamOptions(null, null, null, null, null, null, null, 0, null, null, 0);
    }

    public JetStreamOptions withUrl(String url) {
        return new JetStreamOptions(url, subjectPrefix, streamMode, streamPrefix, streamName, duplicateWindow,
                ackWait, maxAckPending, deadLetterSubject, deadLetterStream, replicas);
    }

    public JetStreamOptions withStreamMode(StreamMode mode) {
        return new JetStreamOptions(url, subjectPrefix, mode, streamPrefix, streamName, duplicateWindow, ackWait,
                maxAckPending, deadLetterSubject, deadLetterStream, replicas);
    }

    public JetStreamOptions withStreamPrefix(String prefix) {
        return new JetStreamOptions(url, subjectPrefix, streamMode, prefix, streamName, duplicateWindow, ackWait,
                maxAckPending, deadLetterSubject, deadLetterStream, replicas);
    }

    public JetStreamOptions withDuplicateWindow(Duration window) {
        return new JetStreamOptions(url, subjectPrefix, streamMode, streamPrefix, streamName, window, ackWait,
                maxAckPending, deadLetterSubject, deadLetterStream, replicas);
    }

    public JetStreamOptions withAckWait(Duration wait) {
        return new JetStreamOptions(url, subjectPrefix, streamMode, streamPrefix, streamName, duplicateWindow, wait,
                maxAckPending, deadLetterSubject, deadLetterStream, replicas);
    }

    public JetStreamOptions withMaxAckPending(int max) {
        return new JetStreamOptions(url, subjectPrefix, streamMode, streamPrefix, streamName, duplicateWindow,
                ackWait, max, deadLetterSubject, deadLetterStream, replicas);
    }

    @Override
    public String toString() {
        return "JetStreamOptions[url=" + (url == null ? "(broadcast leg's)" : HybridDriverOptions.redact(url))
                + ", subjectPrefix=" + subjectPrefix + ", streamMode=" + streamMode + ", streamPrefix=" + streamPrefix
                + ", streamName=" + streamName + ", duplicateWindow=" + duplicateWindow + ", ackWait=" + ackWait
                + ", maxAckPending=" + maxAckPending + ", deadLetterSubject=" + deadLetterSubject
                + ", deadLetterStream=" + deadLetterStream + ", replicas=" + replicas + "]";
    }
}
