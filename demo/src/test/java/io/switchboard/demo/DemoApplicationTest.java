package io.switchboard.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.SwitchboardException;
import io.switchboard.SwitchboardMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

@ExtendWith(OutputCaptureExtension.class)
class DemoApplicationTest {

    @Test
    void theFlowRunsOnTheInMemoryDriverAndEndsWithItsSummary(CapturedOutput output) {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(DemoApplication.class)
                .properties("event.driver=in-memory").run()) {
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
        assertThat(output).contains("Switchboard demo on driver 'in-memory'")
                .contains("mail gateway timed out sending INV-0002 (attempt 1)")
                .contains("emailed INV-0002 to bob@example.com (attempt 2)")
                .contains("giving up: dead-lettered")
                .contains("LIVE security.login.failed")
                .contains("LIVE security.account.locked")
                .contains("locked account mallory after 3 failed logins")
                .contains("Summary (driver in-memory)");
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
