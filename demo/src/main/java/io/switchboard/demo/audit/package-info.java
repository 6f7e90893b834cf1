/** Audit: books every billing and notification event. */
package io.switchboard.demo.audit;
