/** Spring Boot auto-configuration of the Redis driver, active when {@code event.driver=redis}. */
package io.switchboard.redis.autoconfigure;
