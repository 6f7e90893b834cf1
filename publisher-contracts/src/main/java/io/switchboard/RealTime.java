package io.switchboard;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an event data class as real-time: a driver with a real-time broadcast leg (the hybrid driver) also broadcasts
 * events carrying this data to live subscribers, as it does for the types matching its configured real-time patterns.
 * Every other driver ignores it. It never weakens delivery: the event still goes to the reliable queue.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface RealTime {
}
