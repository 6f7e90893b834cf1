package io.switchboard.inmemory;

import io.switchboard.spi.EventDriver;
import io.switchboard.tck.CompatibilityKit;
import io.switchboard.tck.DriverFixture;
import io.switchboard.tck.DriverInspector;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** The in-memory driver against the compatibility kit: every scenario it declares must pass. */
class InMemoryCompatibilityTest extends CompatibilityKit {

    @Override
    protected DriverFixture fixture() {
        return new DriverFixture() {
            @Override
            public EventDriver createDriver() {
                return new InMemoryDriver(InMemoryOptions.defaults());
            }

            @Override
            public Optional<DriverInspector> inspector(EventDriver driver) {
                InMemoryDriver inMemory = (InMemoryDriver) driver;
                return Optional.of(DriverInspector.of(inMemory::deadLetters));
            }

            @Override
            public List<Supplier<EventDriver>> invalidConfigurations() {
                return List.of(() -> new InMemoryDriver(InMemoryOptions.defaults().withBufferSize(0)));
            }
        };
    }
}
