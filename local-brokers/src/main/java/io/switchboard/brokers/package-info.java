/**
 * Real brokers (Redis, NATS with JetStream) run as local processes on 127.0.0.1 with ephemeral ports and throwaway
 * data, with the control fault tests need (stop, kill -9, restart, freeze, thaw) and an in-JVM TCP fault proxy.
 */
package io.switchboard.brokers;
