/** The in-memory reference driver ({@code EVENT_DRIVER=in-memory}): options, a controllable clock and fault hooks. */
package io.switchboard.inmemory;
