package io.switchboard.tck.internal;

/** The data of the kit's events: the ordering key, a sequence number per key, and free text. */
public record TckItem(String key, long seq, String text) {
}
