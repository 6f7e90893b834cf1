/** The hybrid driver (the default): a reliable queue leg for every event, a NATS core broadcast for real-time types. */
package io.switchboard.hybrid;
