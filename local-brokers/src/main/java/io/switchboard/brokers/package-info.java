/**
 * Real brokers (Redis, NATS with JetStream, Kafka in KRaft mode, ElasticMQ for SQS) run as local processes on
 * 127.0.0.1 with ephemeral ports and throwaway data, with the control fault tests need (stop, kill -9, restart,
 * freeze, thaw) and an in-JVM TCP fault proxy. Kafka and ElasticMQ run in JVMs of their own, from jars the build
 * resolved, never from the caller's classpath.
 */
package io.switchboard.brokers;
