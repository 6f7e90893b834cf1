/** The Redis driver's implementation: stream and pub/sub consumers, key names, failure mapping. */
package io.switchboard.redis.internal;
