package io.switchboard.json;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * The bytes of one encode, in an array kept by the encoding thread for its next event, so that a publish allocates
 * only the result. Not thread-safe: {@link #take} hands the thread's buffer out once at a time (an encode started
 * while another runs on the same thread, from a getter of the data, gets a buffer of its own).
 */
final class EncodeBuffer extends OutputStream {

    private static final int INITIAL_BYTES = 1024;
    /** A buffer grown beyond this for a large event is not kept, so idle threads do not hold megabytes. */
    static final int MAX_KEPT_BYTES = 64 * 1024;

    private byte[] bytes = new byte[INITIAL_BYTES];
    private int count;
    private boolean inUse;

    static EncodeBuffer take(ThreadLocal<EncodeBuffer> perThread) {
        EncodeBuffer buffer = perThread.get();
        if (buffer.inUse) {
            return new EncodeBuffer();
        }
        buffer.inUse = true;
        return buffer;
    }

    @Override
    public void write(int b) {
        ensure(count + 1);
        bytes[count++] = (byte) b;
    }

    @Override
    public void write(byte[] source, int offset, int length) {
        ensure(count + length);
        System.arraycopy(source, offset, bytes, count, length);
        count += length;
    }

    private void ensure(int capacity) {
        if (capacity > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(capacity, bytes.length * 2));
        }
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, count);
    }

    /** Empties the buffer for the thread's next encode. */
    void release() {
        count = 0;
        if (bytes.length > MAX_KEPT_BYTES) {
            bytes = new byte[INITIAL_BYTES];
        }
        inUse = false;
    }
}
