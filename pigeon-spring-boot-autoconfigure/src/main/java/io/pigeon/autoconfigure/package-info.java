/**
 * Spring Boot auto-configuration and configuration properties for Pigeon.
 */
@NullMarked
package io.pigeon.autoconfigure;

import org.jspecify.annotations.NullMarked;
