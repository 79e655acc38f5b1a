/**
 * Pigeon's sample application: an {@code items} table whose changes are logged and shown live
 * on a web page.
 */
@NullMarked
package io.pigeon.sample;

import org.jspecify.annotations.NullMarked;
