/** The Redis driver: {@link io.switchboard.redis.RedisDriver} (streams or pub/sub) and its options. */
package io.switchboard.redis;
