/**
 * The durable delivery mode's container: one subscription per {@code @PigeonListener} method of
 * a durable channel, each read from Pigeon's change log by a worker of its own that holds the
 * subscription's lease, delivers each event to the method adapter, retries failures and records
 * dead letters, and acknowledges the position fenced by its lease. Internal: not an API.
 */
@NullMarked
package io.pigeon.internal.listener.durable;

import org.jspecify.annotations.NullMarked;
