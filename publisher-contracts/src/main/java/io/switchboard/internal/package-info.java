/** Implementation details shared by the core; not an API, may change in any release. */
package io.switchboard.internal;
