/**
 * Development brokers for the demo: when the selected driver needs Redis or NATS and no endpoint is configured,
 * they are started as local processes before the application context starts, and stopped with it.
 */
package io.switchboard.demo.devbrokers;
