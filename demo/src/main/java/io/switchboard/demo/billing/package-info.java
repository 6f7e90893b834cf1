/** Billing: issues and pays invoices, and publishes what happened. */
package io.switchboard.demo.billing;
