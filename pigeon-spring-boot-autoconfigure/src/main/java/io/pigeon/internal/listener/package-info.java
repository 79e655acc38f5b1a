/**
 * The dedicated LISTEN connection, the reading thread and dispatch of notifications to listener methods.
 */
@NullMarked
package io.pigeon.internal.listener;

import org.jspecify.annotations.NullMarked;
