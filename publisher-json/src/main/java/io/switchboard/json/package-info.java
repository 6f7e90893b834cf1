/** The standard wire format: the JSON envelope, read and written with Jackson. */
package io.switchboard.json;
