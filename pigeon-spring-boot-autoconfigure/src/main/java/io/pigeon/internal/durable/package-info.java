/**
 * Pigeon's change log for durable delivery: its objects' SQL ({@link io.pigeon.internal.durable.DurableLogSql}),
 * subscription positions ({@link io.pigeon.internal.durable.LogPosition}), leases, dead letters and the log's
 * maintenance. Internal: not an API.
 */
@NullMarked
package io.pigeon.internal.durable;

import org.jspecify.annotations.NullMarked;
