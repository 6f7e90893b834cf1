package io.switchboard.demo;

import io.switchboard.Switchboard;
import io.switchboard.SwitchboardMetrics;
import io.switchboard.demo.billing.BillingService;
import io.switchboard.demo.security.LoginMonitor;
import java.time.Duration;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/** The scripted flow: invoices issued and paid, failed logins watched live; then a summary. */
@Component
public class DemoScenario implements ApplicationRunner {

    /**
     * Handler completions (handled or dead-lettered) the flow produces: 3 invoices issued × (notifications + audit)
     * = 6; 2 paid × (notifications + audit) = 4; 2 receipts sent × audit = 2; 3 failed logins × (dashboard +
     * lockout) = 6; 1 account locked × dashboard = 1.
     */
    static final int EXPECTED_COMPLETIONS = 19;
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    /** Pauses between steps only make the output easier to follow; nothing depends on them. */
    private static final Duration PACE = Duration.ofMillis(150);

    private final BillingService billing;
    private final LoginMonitor logins;
    private final Switchboard switchboard;
    private final Console console;
    private volatile int exitCode = 1;
    private volatile SwitchboardMetrics summary;

    public DemoScenario(BillingService billing, LoginMonitor logins, Switchboard switchboard, Console console) {
        this.billing = billing;
        this.logins = logins;
        this.switchboard = switchboard;
        this.console = console;
    }

    @Override
    public void run(ApplicationArguments args) throws Exception {
        console.line("Switchboard demo on driver '" + switchboard.driverName() + "' ("
                + switchboard.capabilities().delivery() + " for groups)");
        console.line("");
        String first = billing.issue("alice@example.com", 15_000, "EUR");
        pace();
        String second = billing.issue("bob@example.com", 4_990, "EUR");
        pace();
        billing.issue("carol@example.com", -2_500, "EUR"); // a credit note audit cannot book: it will dead-letter
        pace();
        logins.failedLogin("mallory", "203.0.113.7");
        logins.failedLogin("mallory", "203.0.113.7");
        logins.failedLogin("mallory", "203.0.113.9");
        pace();
        billing.pay(first, "card");
        pace();
        billing.pay(second, "sepa");

        long deadline = System.nanoTime() + DEADLINE.toNanos();
        SwitchboardMetrics m = switchboard.metrics();
        while (m.handled() + m.deadLettered() < EXPECTED_COMPLETIONS && System.nanoTime() < deadline) {
            Thread.sleep(20);
            m = switchboard.metrics();
        }
        summary = m;
        boolean complete = m.handled() + m.deadLettered() >= EXPECTED_COMPLETIONS;
        console.line("");
        console.line("Summary (driver " + switchboard.driverName() + ")");
        console.line(String.format("  published      %3d  events acknowledged by the driver", m.published()));
        console.line(String.format("  handled        %3d  deliveries handled successfully", m.handled()));
        console.line(String.format("  retried        %3d  failed attempts that were retried", m.retries()));
        console.line(String.format("  dead-lettered  %3d  deliveries given up after their last attempt",
                m.deadLettered()));
        console.line(String.format("  duplicates     %3d  deliveries skipped as already handled",
                m.duplicatesSkipped()));
        if (!complete) {
            console.line("Not every delivery completed within " + DEADLINE.toSeconds() + " s (expected "
                    + EXPECTED_COMPLETIONS + " completions)");
        }
        exitCode = complete && m.publishFailures() == 0 ? 0 : 1;
    }

    public int exitCode() {
        return exitCode;
    }

    /** The counters at the end of the flow, or {@code null} before it ended. */
    public SwitchboardMetrics summary() {
        return summary;
    }

    private static void pace() throws InterruptedException {
        Thread.sleep(PACE.toMillis());
    }
}
