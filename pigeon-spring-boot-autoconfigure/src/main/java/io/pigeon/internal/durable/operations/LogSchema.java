package io.pigeon.internal.durable.operations;

import java.util.function.Supplier;

import io.pigeon.internal.durable.DurableLogSql;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcOperations;

/**
 * The log's SQL for Pigeon's schema, resolved on first use when Pigeon uses the connection's
 * current schema ({@code pigeon.install.schema} not set), as the overflow store does.
 * <p>
 * Internal: not an API.
 */
public final class LogSchema implements Supplier<DurableLogSql> {

	private final JdbcOperations jdbc;

	private final @Nullable String schema;

	private volatile @Nullable DurableLogSql sql;

	/**
	 * Create the resolver.
	 * @param jdbc access to Pigeon's database
	 * @param schema Pigeon's schema, or {@code null} for the connection's current schema
	 */
	public LogSchema(JdbcOperations jdbc, @Nullable String schema) {
		this.jdbc = jdbc;
		this.schema = schema;
		this.sql = (schema != null) ? new DurableLogSql(schema) : null;
	}

	@Override
	public DurableLogSql get() {
		DurableLogSql sql = this.sql;
		if (sql == null) {
			String current = this.jdbc.queryForObject("SELECT current_schema()", String.class);
			if (current == null) {
				throw new IllegalStateException("Pigeon's schema cannot be resolved: the connection has no current "
						+ "schema (empty search_path). Set pigeon.install.schema.");
			}
			sql = new DurableLogSql(current);
			this.sql = sql;
		}
		return sql;
	}

}
