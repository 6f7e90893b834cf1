package io.switchboard.hybrid.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/** The last {@code capacity} event ids seen by one merged subscription, so a copy arriving by the other leg is dropped. */
final class RecentIds {

    private final Map<String, Boolean> ids;

    RecentIds(int capacity) {
        this.ids = new LinkedHashMap<>(capacity, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** True the first time {@code id} is offered (null ids always pass). */
    synchronized boolean firstTime(String id) {
        return id == null || ids.put(id, Boolean.TRUE) == null;
    }
}
