/**
 * Pigeon's public API: {@link io.pigeon.PigeonListener}, the events it delivers, {@link io.pigeon.PigeonAction} and
 * {@link io.pigeon.PigeonTemplate} for sending.
 */
@NullMarked
package io.pigeon;

import org.jspecify.annotations.NullMarked;
