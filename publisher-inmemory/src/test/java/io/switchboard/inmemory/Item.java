package io.switchboard.inmemory;

/** Event data used by the tests: a name and a per-key sequence number. */
public record Item(String name, int seq) {
}
