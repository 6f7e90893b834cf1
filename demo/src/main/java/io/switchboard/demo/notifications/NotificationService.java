package io.switchboard.demo.notifications;

import io.switchboard.DeliveryContext;
import io.switchboard.Event;
import io.switchboard.EventPublisher;
import io.switchboard.demo.Console;
import io.switchboard.demo.billing.BillingService;
import io.switchboard.demo.billing.InvoiceIssued;
import io.switchboard.demo.billing.InvoicePaid;
import io.switchboard.spring.OnEvent;
import java.util.Map;
import org.springframework.stereotype.Service;

/** Emails invoices and receipts. Its mail gateway times out once, to show a retry. */
@Service
public class NotificationService {

    private final EventPublisher events;
    private final Console console;

    public NotificationService(EventPublisher events, Console console) {
        this.events = events;
        this.console = console;
    }

    @OnEvent(value = "billing.invoice.issued", group = "notifications")
    public void onInvoiceIssued(Event<InvoiceIssued> event) {
        InvoiceIssued invoice = event.data();
        int attempt = DeliveryContext.current().map(DeliveryContext::attempt).orElse(1);
        if (invoice.invoiceNumber().equals("INV-0002") && attempt == 1) {
            console.say("notifications", "x  mail gateway timed out sending " + invoice.invoiceNumber()
                    + " (attempt " + attempt + "), will be retried");
            throw new IllegalStateException("SMTP timeout after 5000 ms");
        }
        console.say("notifications", "@  emailed " + invoice.invoiceNumber() + " to " + invoice.customerEmail()
                + (attempt > 1 ? " (attempt " + attempt + ")" : ""));
    }

    @OnEvent(value = "billing.invoice.paid", group = "notifications")
    public void onInvoicePaid(InvoicePaid paid) {
        console.say("notifications", "@  emailed receipt for " + paid.invoiceNumber() + " ("
                + BillingService.money(paid.amountCents(), paid.currency()) + ")");
        // Published while handling: correlation and causation ids are filled in from the paid event.
        events.publish("notifications.receipt.sent", Map.of("invoiceNumber", paid.invoiceNumber(),
                "to", paid.customerEmail())).join();
    }
}
