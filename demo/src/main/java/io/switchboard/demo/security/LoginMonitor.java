package io.switchboard.demo.security;

import io.switchboard.Event;
import io.switchboard.EventPublisher;
import io.switchboard.demo.Console;
import io.switchboard.spring.OnEvent;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Service;

/** Reports failed logins, and locks an account after three of them. */
@Service
public class LoginMonitor {

    static final int LOCK_AFTER = 3;

    private final EventPublisher events;
    private final Console console;
    private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();

    public LoginMonitor(EventPublisher events, Console console) {
        this.events = events;
        this.console = console;
    }

    public void failedLogin(String user, String ip) {
        console.say("security", "-> security.login.failed for " + user + " from " + ip);
        events.publish(Event.builder("security.login.failed").aggregateType("Account").aggregateId("acct_" + user)
                .data(new LoginFailed(user, ip)).build()).join();
    }

    @OnEvent(value = "security.login.failed", group = "lockout")
    public void countFailure(LoginFailed failed) {
        int count = failures.computeIfAbsent(failed.user(), u -> new AtomicInteger()).incrementAndGet();
        if (count == LOCK_AFTER) {
            events.publish("security.account.locked", Map.of("user", failed.user(), "failures", count)).join();
            console.say("security", "!  locked account " + failed.user() + " after " + count + " failed logins");
        }
    }
}
