package io.switchboard.demo;

import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/** Prints the flow as it happens: time since start, the module speaking, and what it did. */
@Component
public class Console {

    private final long startNanos = System.nanoTime();
    private final PrintStream out = System.out;

    public void say(String module, String message) {
        double seconds = (System.nanoTime() - startNanos) / (double) TimeUnit.SECONDS.toNanos(1);
        synchronized (out) {
            out.printf("%7.3fs  %-14s %s%n", seconds, module, message);
        }
    }

    public void line(String text) {
        synchronized (out) {
            out.println(text);
        }
    }

    /** The last characters of an id, enough to follow it through the output. */
    public static String shortId(String id) {
        return id == null ? "-" : "…" + id.substring(Math.max(0, id.length() - 6));
    }
}
