package io.switchboard.demo.security;

import io.switchboard.Event;
import io.switchboard.demo.Console;
import io.switchboard.spring.OnEvent;
import java.util.Map;
import org.springframework.stereotype.Component;

/** A live view, as a WebSocket push would be: a broadcast subscriber that sees security events as they happen. */
@Component
public class SecurityDashboard {

    private final Console console;

    public SecurityDashboard(Console console) {
        this.console = console;
    }

    @OnEvent(value = "security.>", broadcast = true)
    public void show(Event<Map<String, Object>> event) {
        console.say("dashboard", "LIVE " + event.type() + " " + event.data());
    }
}
