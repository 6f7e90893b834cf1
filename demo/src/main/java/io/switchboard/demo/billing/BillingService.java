package io.switchboard.demo.billing;

import io.switchboard.Event;
import io.switchboard.EventPublisher;
import io.switchboard.demo.Console;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Service;

/** Issues and pays invoices. It knows nothing about who listens: it only publishes events. */
@Service
public class BillingService {

    private final EventPublisher events;
    private final Console console;
    private final AtomicInteger numbers = new AtomicInteger();
    private final Map<String, InvoiceIssued> invoices = new ConcurrentHashMap<>();

    public BillingService(EventPublisher events, Console console) {
        this.events = events;
        this.console = console;
    }

    /** Issues an invoice and returns its id once the event is durably published. */
    public String issue(String customerEmail, long amountCents, String currency) {
        String number = String.format("INV-%04d", numbers.incrementAndGet());
        String invoiceId = "inv_" + number.toLowerCase();
        InvoiceIssued data = new InvoiceIssued(number, customerEmail, amountCents, currency);
        invoices.put(invoiceId, data);
        Event<InvoiceIssued> event = Event.builder("billing.invoice.issued")
                .aggregate("Invoice", invoiceId, 1)
                .data(data)
                .build();
        console.say("billing", "-> billing.invoice.issued " + number + " " + money(amountCents, currency)
                + "  id " + Console.shortId(event.id()));
        events.publish(event).join(); // returns once the driver has the event durably
        return invoiceId;
    }

    public void pay(String invoiceId, String method) {
        InvoiceIssued invoice = invoices.get(invoiceId);
        InvoicePaid data = new InvoicePaid(invoice.invoiceNumber(), invoice.customerEmail(), invoice.amountCents(),
                invoice.currency(), method);
        Event<InvoicePaid> event = Event.builder("billing.invoice.paid")
                .aggregate("Invoice", invoiceId, 2)
                .data(data)
                .build();
        console.say("billing", "-> billing.invoice.paid   " + invoice.invoiceNumber() + " by " + method
                + "  id " + Console.shortId(event.id()));
        events.publish(event).join();
    }

    public static String money(long cents, String currency) {
        return String.format("%s %.2f", currency, cents / 100.0);
    }
}
