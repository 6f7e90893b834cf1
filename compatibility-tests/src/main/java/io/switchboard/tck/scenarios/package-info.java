/** The scenario catalogue of TCK.md, one class per group. */
package io.switchboard.tck.scenarios;
