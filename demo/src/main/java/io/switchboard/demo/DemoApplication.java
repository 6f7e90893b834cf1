package io.switchboard.demo;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Billing, notifications, audit and security modules that talk only through events. Runs one scripted business
 * flow on the driver chosen by {@code EVENT_DRIVER}, prints it as it happens, then a summary, and exits.
 */
@SpringBootApplication
public class DemoApplication {

    public static void main(String[] args) {
        ConfigurableApplicationContext context = SpringApplication.run(DemoApplication.class, args);
        int exitCode = SpringApplication.exit(context, () -> context.getBean(DemoScenario.class).exitCode());
        System.exit(exitCode);
    }
}
