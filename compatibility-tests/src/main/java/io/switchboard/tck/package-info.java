/** The compatibility test kit: extend {@link io.switchboard.tck.CompatibilityKit} with a {@link io.switchboard.tck.DriverFixture}. */
package io.switchboard.tck;
