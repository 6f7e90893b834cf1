/** Spring Boot support: the {@link io.switchboard.spring.OnEvent} handler annotation. */
package io.switchboard.spring;
