package io.switchboard.demo.audit;

import io.switchboard.DeliveryContext;
import io.switchboard.Event;
import io.switchboard.demo.Console;
import io.switchboard.spring.OnEvent;
import java.util.Map;
import org.springframework.stereotype.Service;

/** Books every billing and notification event, showing how correlation ids tie a flow together. */
@Service
public class AuditTrail {

    private final Console console;

    public AuditTrail(Console console) {
        this.console = console;
    }

    @OnEvent(value = "billing.>", group = "audit")
    public void onBilling(Event<Map<String, Object>> event) {
        Object amount = event.data().get("amountCents");
        if (amount instanceof Number n && n.longValue() < 0) {
            int attempt = DeliveryContext.current().map(DeliveryContext::attempt).orElse(1);
            console.say("audit", "x  cannot book " + event.data().get("invoiceNumber") + " with a negative amount"
                    + " (attempt " + attempt + ")" + (attempt >= 3 ? ", giving up: dead-lettered" : ""));
            throw new IllegalStateException("negative amount needs manual review");
        }
        book(event);
    }

    @OnEvent(value = "notifications.>", group = "audit")
    public void onNotification(Event<Map<String, Object>> event) {
        book(event);
    }

    private void book(Event<?> event) {
        console.say("audit", "#  booked " + event.type() + "  corr " + Console.shortId(event.correlationId())
                + (event.causationId() != null ? "  caused by " + Console.shortId(event.causationId()) : ""));
    }
}
