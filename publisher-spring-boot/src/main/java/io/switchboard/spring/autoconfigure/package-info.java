/** Auto-configuration of the EventPublisher bean, driver selection by event.driver, and @OnEvent registration. */
package io.switchboard.spring.autoconfigure;
