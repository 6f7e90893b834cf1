/** Security: failed logins, account lockout and a live dashboard. */
package io.switchboard.demo.security;
