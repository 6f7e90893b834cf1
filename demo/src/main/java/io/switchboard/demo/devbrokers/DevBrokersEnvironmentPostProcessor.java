package io.switchboard.demo.devbrokers;

import org.apache.commons.logging.Log;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Starts the {@link DevBrokers} the selected driver needs once the configuration is read (application properties,
 * environment variables), before the context starts, and stops them when the context closes or fails to start.
 * Registered in {@code META-INF/spring.factories}.
 */
public class DevBrokersEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    private final Log log;

    public DevBrokersEnvironmentPostProcessor(DeferredLogFactory logFactory) {
        this.log = logFactory.getLog(DevBrokers.class);
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        DevBrokers brokers = DevBrokers.startFor(environment, log::info);
        if (brokers.started().isEmpty()) {
            return;
        }
        application.addListeners((ApplicationListener<ApplicationEvent>) event -> {
            if ((event instanceof ContextClosedEvent closed && closed.getApplicationContext().getParent() == null)
                    || event instanceof ApplicationFailedEvent) {
                brokers.close();
            }
        });
    }

    /** After the configuration data (application.properties) has been loaded. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
