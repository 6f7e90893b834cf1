/** Spring Boot auto-configuration of the in-memory driver, active when {@code event.driver=in-memory}. */
package io.switchboard.inmemory.autoconfigure;
