/**
 * Pigeon's public API: {@link io.pigeon.PigeonListener}, the events it delivers and {@link io.pigeon.PigeonAction}.
 */
@NullMarked
package io.pigeon;

import org.jspecify.annotations.NullMarked;
