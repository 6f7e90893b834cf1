/** Process handling, readiness probes and the process registry behind the local brokers; not an API. */
package io.switchboard.brokers.internal;
