package io.switchboard.benchmarks;

import io.switchboard.Event;
import io.switchboard.json.JsonEventCodec;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Payloads of a given size on the wire. Switchboard's events carry {@link BenchData} (a sequence number and a
 * filler string) sized so that the encoded JSON envelope is {@code wireBytes} long; the raw client sends opaque
 * arrays of exactly {@code wireBytes} bytes with the sequence number in the first eight. Both put the same number
 * of bytes on the wire, so the ratio includes everything Switchboard adds (envelope, JSON, validation, ids).
 */
final class Payloads {

    private final int wireBytes;
    private final String blob;
    private final byte[] rawTemplate;
    private final int envelopeBytes;

    Payloads(int wireBytes) {
        if (wireBytes < Long.BYTES) {
            throw new IllegalArgumentException("payload size must be at least 8 bytes, got " + wireBytes);
        }
        this.wireBytes = wireBytes;
        JsonEventCodec codec = new JsonEventCodec();
        // A representative sequence number (six digits) for the size of the envelope without filler.
        int overhead = codec.encode(Event.of("bench.run1.published", new BenchData(100_000, ""))).length;
        this.blob = "x".repeat(Math.max(0, wireBytes - overhead));
        this.envelopeBytes = codec.encode(Event.of("bench.run1.published", new BenchData(100_000, blob))).length;
        this.rawTemplate = new byte[wireBytes];
        Arrays.fill(rawTemplate, (byte) 'x');
    }

    int wireBytes() {
        return wireBytes;
    }

    /** The encoded size of a Switchboard event of this payload (equal to {@link #wireBytes()} unless too small). */
    int envelopeBytes() {
        return envelopeBytes;
    }

    BenchData data(long seq) {
        return new BenchData(seq, blob);
    }

    byte[] raw(long seq) {
        byte[] bytes = rawTemplate.clone();
        ByteBuffer.wrap(bytes).putLong(0, seq);
        return bytes;
    }

    static long seqOf(byte[] raw) {
        return ByteBuffer.wrap(raw).getLong(0);
    }
}
