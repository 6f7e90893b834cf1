/** The Switchboard API: events, types and patterns, publishing, subscribing, handler semantics, capabilities and the one exception type. */
package io.switchboard;
