/** Implementation of the hybrid driver: the NATS broadcast leg, the JetStream queue leg, routing; not an API. */
package io.switchboard.hybrid.internal;
