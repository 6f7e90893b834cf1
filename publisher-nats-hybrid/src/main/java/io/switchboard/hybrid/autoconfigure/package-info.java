/** Spring Boot auto-configuration of the hybrid driver, active when {@code event.driver} is unset or {@code hybrid}. */
package io.switchboard.hybrid.autoconfigure;
