/** JMH microbenchmarks of the codec and of event type validation; run by {@code JmhRun} or JMH's own main. */
package io.switchboard.benchmarks.jmh;
