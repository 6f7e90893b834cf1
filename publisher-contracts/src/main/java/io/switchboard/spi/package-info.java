/** The driver SPI: what a driver implements (EventDriver, found through EventDriverProvider) and the codec SPI. */
package io.switchboard.spi;
