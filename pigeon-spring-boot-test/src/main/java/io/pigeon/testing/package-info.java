/**
 * Pigeon's test kit: {@link io.pigeon.testing.PigeonEvents}, a recorder of the changes Pigeon
 * delivered to the application's listener methods that a test can await and assert on, and
 * synthetic deliveries ({@link io.pigeon.testing.PigeonTestChanges}) that run listener methods
 * without a database trigger. Auto-configured whenever the kit is on the classpath, as
 * {@code pigeon-spring-boot-starter-test} puts it there in test scope.
 */
@NullMarked
package io.pigeon.testing;

import org.jspecify.annotations.NullMarked;
