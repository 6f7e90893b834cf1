package io.switchboard.inmemory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.Capabilities;
import io.switchboard.Event;
import io.switchboard.Switchboard;
import io.switchboard.SwitchboardException;
import io.switchboard.spi.DriverSettings;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Options, plain-Java selection through the provider, and the declared capabilities. */
class ConfigurationTest {

    @Test
    void invalidOptionsAreRejectedWithEveryProblemNamed() {
        assertThatThrownBy(() -> new InMemoryOptions(0, Duration.ofSeconds(-1), 0, null, null))
                .isInstanceOfSatisfying(SwitchboardException.class, e -> {
                    assertThat(e.reason()).isEqualTo(SwitchboardException.Reason.CONFIGURATION);
                    assertThat(e.getMessage()).contains("event.in-memory.buffer-size must be >= 1, got 0",
                            "event.in-memory.block-timeout must be >= 0", "event.in-memory.max-payload-bytes must "
                                    + "be >= 1, got 0");
                });
    }

    @Test
    void missingOptionalSettingsTakeTheirDefaults() {
        InMemoryOptions options = new InMemoryOptions(5, null, 100, null, null);

        assertThat(options.blockTimeout()).isEqualTo(InMemoryOptions.DEFAULT_BLOCK_TIMEOUT);
        assertThat(options.clock()).isNotNull();
        assertThat(options.faultHook()).isSameAs(FaultHook.NONE);
        assertThat(InMemoryOptions.defaults().bufferSize()).isEqualTo(10_000);
    }

    @Test
    void eventDriverInMemorySelectsThisDriverWithoutSpring() {
        DriverSettings settings = DriverSettings.of(Map.of("event.driver", "in-memory",
                "event.in-memory.buffer-size", "42", "event.in-memory.block-timeout", "250ms",
                "event.in-memory.max-payload-bytes", "4096"));
        try (Switchboard board = Switchboard.fromSettings(settings)) {
            assertThat(board.driverName()).isEqualTo("in-memory");
            InMemoryOptions options = board.unwrap(InMemoryDriver.class).orElseThrow().options();
            assertThat(options.bufferSize()).isEqualTo(42);
            assertThat(options.blockTimeout()).isEqualTo(Duration.ofMillis(250));
            assertThat(board.capabilities().maxPayloadBytes()).isEqualTo(4096);

            AtomicReference<Item> received = new AtomicReference<>();
            board.subscribe("billing", "shop.order.placed", Item.class, e -> received.set(e.data()));
            board.publish(Event.of("shop.order.placed", new Item("book", 1))).join();
            Await.until("the event arrives", () -> received.get() != null);
            assertThat(received.get()).isEqualTo(new Item("book", 1));
        }
    }

    @Test
    void anInvalidSettingStopsSelectionNamingIt() {
        DriverSettings settings = DriverSettings.of(Map.of("event.driver", "in-memory",
                "event.in-memory.buffer-size", "0"));

        assertThatThrownBy(() -> Switchboard.fromSettings(settings))
                .isInstanceOfSatisfying(SwitchboardException.class, e -> {
                    assertThat(e.reason()).isEqualTo(SwitchboardException.Reason.CONFIGURATION);
                    assertThat(e.getMessage()).contains("event.in-memory.buffer-size must be >= 1");
                });
    }

    @Test
    void theDeclaredCapabilitiesAreTheOnesThisModuleTests() {
        try (InMemoryDriver driver = new InMemoryDriver(InMemoryOptions.defaults().withBufferSize(500)
                .withMaxPayloadBytes(2048))) {
            Capabilities c = driver.capabilities();

            assertThat(driver.name()).isEqualTo("in-memory");
            assertThat(c.delivery()).isEqualTo(Capabilities.Delivery.AT_LEAST_ONCE);
            assertThat(c.ordering()).isEqualTo(Capabilities.Ordering.PER_KEY);
            assertThat(c.orderingAcrossRetry()).isTrue();
            assertThat(c.durability()).isEqualTo(Capabilities.Durability.CONSUMER_RESTART);
            assertThat(c.competingConsumers()).isTrue();
            assertThat(c.fanOutGroups()).isTrue();
            assertThat(c.lateGroupStart()).isEqualTo(Capabilities.LateGroupStart.LATEST);
            assertThat(c.deadLettering()).isEqualTo(Capabilities.DeadLettering.LIBRARY);
            assertThat(c.batch()).isEqualTo(Capabilities.BatchMode.ATOMIC);
            assertThat(c.maxBatchSize()).as("no larger than one buffer").isEqualTo(500);
            assertThat(c.maxPayloadBytes()).isEqualTo(2048);
            assertThat(c.attemptCounter()).isTrue();
            assertThat(c.destinations()).isEqualTo(Capabilities.DestinationPolicy.AUTO_CREATE);
            assertThat(c.publishDedupWindow()).isZero();
            assertThat(driver.unwrap(String.class)).isEmpty();
        }
    }
}
