package io.switchboard.demo.billing;

/** Data of {@code billing.invoice.issued}. Amounts are in cents; a negative amount is a credit note. */
public record InvoiceIssued(String invoiceNumber, String customerEmail, long amountCents, String currency) {
}
