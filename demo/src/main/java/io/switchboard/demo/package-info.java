/** The demo application: a scripted flow across modules that talk only through events. */
package io.switchboard.demo;
