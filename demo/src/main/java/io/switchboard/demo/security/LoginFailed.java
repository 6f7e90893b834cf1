package io.switchboard.demo.security;

/** Data of {@code security.login.failed}, a real-time type. */
public record LoginFailed(String user, String ip) {
}
