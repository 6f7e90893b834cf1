package io.switchboard.spring.autoconfigure;

import io.switchboard.SwitchboardException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a Switchboard configuration error at start-up into Spring Boot's short "what went wrong / action" report. */
class SwitchboardFailureAnalyzer extends AbstractFailureAnalyzer<SwitchboardException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, SwitchboardException cause) {
        if (cause.reason() != SwitchboardException.Reason.CONFIGURATION) {
            return null;
        }
        return new FailureAnalysis(cause.getMessage(), "Fix the setting named above: the event.* properties, or "
                + "the matching environment variables such as EVENT_DRIVER.", cause);
    }
}
