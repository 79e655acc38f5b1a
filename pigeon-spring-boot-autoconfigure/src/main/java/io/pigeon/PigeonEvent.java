package io.pigeon;

import org.jspecify.annotations.Nullable;

/**
 * A change delivered to a {@link PigeonListener} method.
 *
 * @param <T> the type {@code data} and {@code old} are bound to
 * @param channel the channel the notification arrived on
 * @param action what happened
 * @param schema the schema of the configured table
 * @param table the configured table's name (also when the row lives in a partition)
 * @param data the configured columns of the new row, or of the old row for a delete;
 * {@code null} for a statement-level event
 * @param old the old row's columns on an update with {@code include-old}, otherwise
 * {@code null}
 * @param count the number of rows a statement-level event touched, where PostgreSQL can tell,
 * otherwise {@code null}
 * @param payload the raw JSON payload (resolved in full when it overflowed)
 * @since 0.1.0
 */
public record PigeonEvent<T>(String channel, PigeonAction action, String schema, String table, @Nullable T data,
		@Nullable T old, @Nullable Long count, String payload) {

}
