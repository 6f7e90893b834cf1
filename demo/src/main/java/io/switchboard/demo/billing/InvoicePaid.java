package io.switchboard.demo.billing;

/** Data of {@code billing.invoice.paid}. */
public record InvoicePaid(String invoiceNumber, String customerEmail, long amountCents, String currency,
        String method) {
}
