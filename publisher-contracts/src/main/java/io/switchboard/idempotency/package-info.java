/** Consumer-side deduplication: the store SPI and an in-memory store. */
package io.switchboard.idempotency;
