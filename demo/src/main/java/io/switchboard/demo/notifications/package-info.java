/** Notifications: reacts to billing events by emailing customers. */
package io.switchboard.demo.notifications;
