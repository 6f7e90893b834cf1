package io.switchboard.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.DeliveryContext;
import io.switchboard.Event;
import io.switchboard.EventPublisher;
import io.switchboard.inmemory.autoconfigure.InMemoryAutoConfiguration;
import io.switchboard.spring.OnEvent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class OnEventMethodRegistrarTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(InMemoryAutoConfiguration.class,
                    SwitchboardAutoConfiguration.class))
            .withPropertyValues("event.driver=in-memory", "event.retry.initial-delay=10ms");

    record InvoicePaid(String invoiceNumber, long amountCents) {
    }

    static class Handlers {
        final List<Object> received = new CopyOnWriteArrayList<>();
        final List<String> groups = new CopyOnWriteArrayList<>();
        final CountDownLatch done = new CountDownLatch(3);
        final CountDownLatch failedThrice = new CountDownLatch(3);

        @OnEvent(value = "billing.invoice.paid", group = "receipts")
        void withEvent(Event<InvoicePaid> event) {
            received.add(event.data());
            groups.add(DeliveryContext.current().orElseThrow().group());
            done.countDown();
        }

        @OnEvent("billing.*.paid")
        void withData(InvoicePaid paid) {
            received.add(paid);
            groups.add(DeliveryContext.current().orElseThrow().group());
            done.countDown();
        }

        @OnEvent(value = "billing.>", broadcast = true)
        void live(Event<Map<String, Object>> event) {
            received.add(event.data());
            groups.add(DeliveryContext.current().orElseThrow().group());
            done.countDown();
        }

        @OnEvent(value = "billing.invoice.voided", group = "strict")
        void alwaysFails(Event<Map<String, Object>> event) throws Exception {
            failedThrice.countDown();
            throw new java.io.IOException("checked failures follow the retry path too");
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class HandlerConfig {
        @Bean
        Handlers handlers() {
            return new Handlers();
        }
    }

    @Test
    void annotatedMethodsAreSubscribedWithTheirGroups() {
        runner.withUserConfiguration(HandlerConfig.class).run(context -> {
            assertThat(context).hasNotFailed();
            Handlers handlers = context.getBean(Handlers.class);
            context.getBean(EventPublisher.class).publish("billing.invoice.paid", new InvoicePaid("INV-1", 100)).join();
            assertThat(handlers.done.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(handlers.received).hasSize(3)
                    .contains(new InvoicePaid("INV-1", 100), new InvoicePaid("INV-1", 100),
                            Map.of("invoiceNumber", "INV-1", "amountCents", 100));
            assertThat(handlers.groups).containsExactlyInAnyOrder("receipts", "handlers.withData", "broadcast");
        });
    }

    @Test
    void aThrowingMethodIsRetriedThenDeadLettered() {
        runner.withUserConfiguration(HandlerConfig.class).run(context -> {
            Handlers handlers = context.getBean(Handlers.class);
            io.switchboard.Switchboard switchboard = context.getBean(io.switchboard.Switchboard.class);
            switchboard.publish("billing.invoice.voided", Map.of("invoiceNumber", "INV-2")).join();
            assertThat(handlers.failedThrice.await(10, TimeUnit.SECONDS)).isTrue();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (switchboard.metrics().deadLettered() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(switchboard.metrics().deadLettered()).isEqualTo(1);
            assertThat(switchboard.metrics().retries()).isEqualTo(2);
        });
    }

    static class BadPattern {
        @OnEvent("Billing.Invoice.Paid")
        void handle(Event<Object> event) {
        }
    }

    static class BadSignature {
        @OnEvent("billing.invoice.paid")
        void handle(Event<Object> event, String extra) {
        }
    }

    @Test
    void anInvalidPatternStopsStartupNamingTheMethod() {
        runner.withBean(BadPattern.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasMessageContaining("BadPattern.handle")
                    .hasMessageContaining("lowercase");
        });
    }

    @Test
    void aMethodWithTwoParametersStopsStartup() {
        runner.withBean(BadSignature.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasMessageContaining("BadSignature.handle")
                    .hasMessageContaining("exactly one parameter");
        });
    }

    @Test
    void subscriptionsStopWithTheContext() {
        runner.withUserConfiguration(HandlerConfig.class).run(context -> {
            OnEventMethodRegistrar registrar = context.getBean(OnEventMethodRegistrar.class);
            assertThat(registrar.registrationCount()).isEqualTo(4);
            assertThat(registrar.isRunning()).isTrue();
            context.stop();
            assertThat(registrar.isRunning()).isFalse();
        });
    }
}
