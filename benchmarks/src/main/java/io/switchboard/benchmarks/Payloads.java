package io.switchboard.benchmarks;

import io.switchboard.Event;
import io.switchboard.json.JsonEventCodec;
import java.nio.ByteBuffer;
import java.util.Arrays;
import tools.jackson.databind.json.JsonMapper;

/**
 * Payloads of a given size on the wire. Switchboard's events carry {@link BenchData} (a sequence number and a
 * filler string) sized so that the encoded JSON envelope is {@code wireBytes} long. A raw broker client sends the
 * same {@link BenchData} serialized with a plain Jackson mapper (what a service using the client directly does),
 * padded to exactly {@code wireBytes}, and its consumer deserializes it. An in-process baseline that hands objects
 * over by reference gets {@link #binary} arrays of {@code wireBytes} with the sequence number in the first eight.
 * Both sides put the same number of bytes on the wire and (de)serialize the same data, so the ratio is what the
 * envelope, validation, ids and the library's pipeline cost.
 */
final class Payloads {

    private final int wireBytes;
    private final String blob;
    private final byte[] rawTemplate;
    private final int envelopeBytes;
    private final String rawBlob;

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

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
        int rawOverhead = MAPPER.writeValueAsBytes(new BenchData(100_000, "")).length;
        this.rawBlob = "x".repeat(Math.max(0, wireBytes - rawOverhead));
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

    /** The data serialized with Jackson, as a raw-client user sends it. */
    byte[] json(long seq) {
        return MAPPER.writeValueAsBytes(new BenchData(seq, rawBlob));
    }

    static long seqOfJson(byte[] json) {
        return MAPPER.readValue(json, BenchData.class).seq();
    }

    /** An opaque array with the sequence number in the first eight bytes, for hand-over by reference. */
    byte[] binary(long seq) {
        byte[] bytes = rawTemplate.clone();
        ByteBuffer.wrap(bytes).putLong(0, seq);
        return bytes;
    }

    static long seqOfBinary(byte[] raw) {
        return ByteBuffer.wrap(raw).getLong(0);
    }
}
