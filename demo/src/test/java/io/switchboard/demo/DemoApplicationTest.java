package io.switchboard.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.SwitchboardException;
import io.switchboard.SwitchboardMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

@ExtendWith(OutputCaptureExtension.class)
class DemoApplicationTest {

    /**
     * The README's demo on each driver it ships with. No endpoint is configured, so the development brokers start
     * Redis (and NATS for the hybrid) and stop them with the context; "default" sets no driver at all.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"default", "in-memory", "redis"})
    void theFlowRunsAndEndsWithItsSummary(String driver, CapturedOutput output) {
        SpringApplicationBuilder demo = new SpringApplicationBuilder(DemoApplication.class);
        if (!driver.equals("default")) {
            demo.properties("event.driver=" + driver);
        }
        String expectedDriver = driver.equals("default") ? "hybrid" : driver;
        try (ConfigurableApplicationContext context = demo.run()) {
            DemoScenario scenario = context.getBean(DemoScenario.class);
            assertThat(scenario.exitCode()).isZero();
            SwitchboardMetrics m = scenario.summary();
            // 3 issued, 3 failed logins, 1 account locked, 2 paid, 2 receipts
            assertThat(m.published()).isEqualTo(11);
            assertThat(m.publishFailures()).isZero();
            // the credit note, refused by audit on each of its 3 attempts
            assertThat(m.deadLettered()).isEqualTo(1);
            // 1 mail gateway timeout + 2 audit attempts before the dead-letter
            assertThat(m.retries()).isEqualTo(3);
            assertThat(m.handled()).isEqualTo(DemoScenario.EXPECTED_COMPLETIONS - 1);
        }
        assertThat(output).contains("Switchboard demo on driver '" + expectedDriver + "'")
                .contains("mail gateway timed out sending INV-0002 (attempt 1)")
                .contains("emailed INV-0002 to bob@example.com (attempt 2)")
                .contains("giving up: dead-lettered")
                .contains("LIVE security.login.failed")
                .contains("LIVE security.account.locked")
                .contains("locked account mallory after 3 failed logins")
                .contains("Summary (driver " + expectedDriver + ")");
    }

    @Test
    void anUnknownDriverStopsStartupListingTheValidValues() {
        assertThatThrownBy(() -> new SpringApplicationBuilder(DemoApplication.class)
                .properties("event.driver=bogus").run().close())
                .rootCause()
                .isInstanceOf(SwitchboardException.class)
                .hasMessageContaining("Unknown event driver 'bogus'")
                .hasMessageContaining("Valid values: hybrid, in-memory, kafka, redis, sqs");
    }
}
