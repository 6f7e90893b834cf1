/** The in-memory driver's buffers and dispatch; not an API, may change in any release. */
package io.switchboard.inmemory.internal;
