package io.switchboard.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.switchboard.Capabilities;
import io.switchboard.Event;
import io.switchboard.EventPublisher;
import io.switchboard.EventSubscriber;
import io.switchboard.Switchboard;
import io.switchboard.SwitchboardException;
import io.switchboard.DeadLetter;
import io.switchboard.inmemory.InMemoryDriver;
import io.switchboard.inmemory.ManualClock;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import io.switchboard.inmemory.autoconfigure.InMemoryAutoConfiguration;
import io.switchboard.spi.ConsumerSpec;
import io.switchboard.spi.DriverSubscription;
import io.switchboard.spi.EventDriver;
import io.switchboard.spi.MessageHandler;
import io.switchboard.spi.OutboundMessage;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.SystemEnvironmentPropertySource;

class SwitchboardAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(InMemoryAutoConfiguration.class,
                    SwitchboardAutoConfiguration.class));

    @Test
    void inMemorySelectedByPropertyGivesExactlyOneEventPublisher() {
        runner.withPropertyValues("event.driver=in-memory").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(EventPublisher.class);
            assertThat(context).hasSingleBean(EventSubscriber.class);
            assertThat(context.getBean(EventPublisher.class)).isSameAs(context.getBean(EventSubscriber.class));
            assertThat(context.getBean(Switchboard.class).driverName()).isEqualTo("in-memory");
            assertThat(context.getBean(Switchboard.class).unwrap(InMemoryDriver.class)).isPresent();
        });
    }

    @Test
    void environmentVariableEventDriverSelectsTheDriverByRelaxedBinding() {
        runner.withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                new SystemEnvironmentPropertySource("systemEnvironment", Map.of("EVENT_DRIVER", "in-memory"))))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(Switchboard.class).driverName()).isEqualTo("in-memory");
                });
    }

    @Test
    void unknownDriverStopsStartupListingTheValidValues() {
        runner.withPropertyValues("event.driver=bogus").run(context -> {
            assertThat(context).hasFailed();
            Throwable failure = rootCause(context.getStartupFailure());
            assertThat(failure).isInstanceOf(SwitchboardException.class)
                    .hasMessageContaining("Unknown event driver 'bogus'")
                    .hasMessageContaining("hybrid, in-memory, kafka, redis, sqs");
        });
    }

    @Test
    void knownDriverWhoseModuleIsMissingNamesTheArtifactToAdd() {
        runner.withPropertyValues("event.driver=kafka").run(context -> {
            assertThat(context).hasFailed();
            assertThat(rootCause(context.getStartupFailure())).isInstanceOf(SwitchboardException.class)
                    .hasMessageContaining("io.switchboard:publisher-kafka");
        });
    }

    @Test
    void unsetDriverMeansHybrid() {
        runner.run(context -> {
            assertThat(context).hasFailed();
            assertThat(rootCause(context.getStartupFailure()))
                    .hasMessageContaining("'hybrid'")
                    .hasMessageContaining("io.switchboard:publisher-nats-hybrid");
        });
    }

    @Test
    void aUserEventPublisherMakesTheAutoConfigurationBackOff() {
        runner.withPropertyValues("event.driver=in-memory").withUserConfiguration(UserPublisher.class)
                .run(context -> {
                    assertThat(context).hasSingleBean(EventPublisher.class);
                    assertThat(context).doesNotHaveBean(Switchboard.class);
                    assertThat(context.getBean(EventPublisher.class)).isSameAs(UserPublisher.PUBLISHER);
                });
    }

    @Test
    void aUserEventDriverIsUsed() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SwitchboardAutoConfiguration.class))
                .withUserConfiguration(UserDriver.class)
                .withPropertyValues("event.driver=custom")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    Switchboard switchboard = context.getBean(Switchboard.class);
                    assertThat(switchboard.driverName()).isEqualTo("recording");
                    switchboard.publish("billing.invoice.issued", Map.of("n", 1)).join();
                    assertThat(context.getBean(RecordingDriver.class).sent).hasSize(1);
                });
    }

    @Test
    void sharedSettingsBindOntoThePublisher() {
        runner.withPropertyValues("event.driver=in-memory", "event.max-payload-bytes=512",
                "event.idempotency.key=natural-key", "event.source=orders-service").run(context -> {
                    Switchboard switchboard = context.getBean(Switchboard.class);
                    assertThat(switchboard.capabilities().maxPayloadBytes()).isEqualTo(512);
                    Event<Map<String, Integer>> sent = switchboard.publish("billing.invoice.issued", Map.of("n", 1))
                            .get();
                    assertThat(sent.source()).isEqualTo("orders-service");
                    String big = "x".repeat(600);
                    assertThat(switchboard.publish("billing.invoice.issued", Map.of("text", big)))
                            .failsWithin(Duration.ofSeconds(5))
                            .withThrowableThat().havingRootCause().isInstanceOf(SwitchboardException.class)
                            .withMessageContaining("limit is 512");
                });
    }

    @Test
    void invalidSharedSettingStopsStartup() {
        runner.withPropertyValues("event.driver=in-memory", "event.retry.max-attempts=0").run(context -> {
            assertThat(context).hasFailed();
            assertThat(rootCause(context.getStartupFailure())).hasMessageContaining("maxAttempts must be >= 1");
        });
    }

    @Test
    void countersAreBoundToMicrometer() {
        runner.withPropertyValues("event.driver=in-memory").run(context -> {
            Switchboard switchboard = context.getBean(Switchboard.class);
            switchboard.publish("billing.invoice.issued", Map.of("n", 1)).join();
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            context.getBean("switchboardMeterBinder", MeterBinder.class).bindTo(registry);
            assertThat(registry.get("switchboard.events.published").tag("driver", "in-memory")
                    .functionCounter().count()).isEqualTo(1.0);
            assertThat(registry.get("switchboard.events.publish.failures").functionCounter().count()).isZero();
        });
    }

    @Test
    void oneClockBeanDrivesTheDriversRetriesAndThePublishersDeadLetterTimes() {
        ManualClock clock = new ManualClock();
        runner.withPropertyValues("event.driver=in-memory").withBean(Clock.class, () -> clock).run(context -> {
            InMemoryDriver driver = context.getBean(InMemoryDriver.class);
            Switchboard switchboard = context.getBean(Switchboard.class);
            AtomicInteger attempts = new AtomicInteger();
            switchboard.subscribe("ledger", "billing.invoice.issued", Map.class, e -> {
                attempts.incrementAndGet();
                throw new IllegalStateException("ledger down");
            });
            switchboard.publish("billing.invoice.issued", Map.of("n", 1)).join();
            awaitTrue(() -> attempts.get() == 1 && clock.pendingTimers() == 1);

            clock.advance(Duration.ofMillis(999));
            assertThat(attempts).as("nothing before the 1 s back-off").hasValue(1);
            clock.advance(Duration.ofMillis(1));
            awaitTrue(() -> attempts.get() == 2 && clock.pendingTimers() == 1);
            clock.advance(Duration.ofSeconds(2));
            awaitTrue(() -> driver.deadLetters().size() == 1);

            assertThat(attempts).hasValue(3);
            assertThat(driver.deadLetters().get(0).get(DeadLetter.Keys.FIRST_FAILURE_AT))
                    .isEqualTo("2026-01-01T00:00:00Z");
            assertThat(driver.deadLetters().get(0).get(DeadLetter.Keys.LAST_FAILURE_AT))
                    .isEqualTo("2026-01-01T00:00:03Z");
        });
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within 20 s").isLessThan(deadline);
            Thread.sleep(2);
        }
    }

    @Test
    void startupFailureIsExplainedByTheFailureAnalyzer() {
        SwitchboardException failure = SwitchboardException.configuration("Unknown event driver 'bogus'");
        var analysis = new SwitchboardFailureAnalyzer().analyze(new IllegalStateException(failure));
        assertThat(analysis.getDescription()).contains("Unknown event driver 'bogus'");
        assertThat(analysis.getAction()).contains("EVENT_DRIVER");
        assertThat(new SwitchboardFailureAnalyzer().analyze(SwitchboardException.invalid("bad type"))).isNull();
    }

    static Throwable rootCause(Throwable t) {
        Throwable cause = t;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    @Configuration(proxyBeanMethods = false)
    static class UserPublisher {
        static final EventPublisher PUBLISHER = new EventPublisher() {
            @Override
            public <T> CompletableFuture<Event<T>> publish(Event<T> event) {
                return CompletableFuture.completedFuture(event);
            }

            @Override
            public CompletableFuture<java.util.List<Event<?>>> publishAll(
                    java.util.List<? extends Event<?>> events) {
                return CompletableFuture.completedFuture(java.util.List.copyOf(events));
            }

            @Override
            public void close() {
            }
        };

        @Bean
        EventPublisher userPublisher() {
            return PUBLISHER;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserDriver {
        @Bean
        RecordingDriver recordingDriver() {
            return new RecordingDriver();
        }
    }

    /** A driver that only records what it is asked to send. */
    static class RecordingDriver implements EventDriver {
        final CopyOnWriteArrayList<OutboundMessage> sent = new CopyOnWriteArrayList<>();

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public Capabilities capabilities() {
            return Capabilities.builder().build();
        }

        @Override
        public CompletableFuture<Void> send(OutboundMessage message) {
            sent.add(message);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public DriverSubscription subscribe(ConsumerSpec spec, MessageHandler handler) {
            throw new UnsupportedOperationException("recording only");
        }

        @Override
        public void close(Duration drainTimeout) {
        }
    }
}
