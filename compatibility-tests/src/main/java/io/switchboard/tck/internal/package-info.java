/** The kit's engine: scenarios, ledger and checker, waits, runner and report. Not an API. */
package io.switchboard.tck.internal;
