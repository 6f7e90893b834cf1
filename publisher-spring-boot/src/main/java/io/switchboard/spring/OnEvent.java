package io.switchboard.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Subscribes a bean method to events matching a pattern, once the application context has started. The method
 * takes one parameter: either {@code Event<T>} (data converted to {@code T}; raw {@code Event} gives maps) or the data
 * type {@code T} itself. Returning normally acknowledges the event; throwing retries it and, after the last attempt,
 * dead-letters it.
 *
 * <pre>{@code
 * @OnEvent(value = "billing.invoice.paid", group = "notifications")
 * void onPaid(Event<InvoicePaid> event) { ... }
 * }</pre>
 *
 * <p>Without a {@link #group()}, the group is {@code <bean class>.<method>} (e.g. {@code receiptMailer.onPaid}):
 * stable across instances of the application, so its instances compete, and distinct for every handler method.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface OnEvent {

    /** The type or pattern: {@code billing.invoice.paid}, {@code billing.*.paid}, {@code billing.>}. */
    String value();

    /** The subscriber group; empty for the default described above. Ignored when {@link #broadcast()} is set. */
    String group() default "";

    /** A broadcast subscription: every instance gets every matching event while running, no backlog. */
    boolean broadcast() default false;

    /** Concurrent handler calls for this subscription; 0 for {@code event.concurrency}. */
    int concurrency() default 0;
}
