package io.pigeon.internal.install;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Where Pigeon keeps its own objects and how long an instance waits for another one's
 * installation.
 *
 * @param schema the schema of Pigeon's own tables, or {@code null} for the installing
 * connection's current schema
 * @param historyTable the name of the table recording what Pigeon installed
 * @param lockTimeout how long to wait for another instance's installation to finish
 * @since 0.1.0
 */
public record InstallSettings(@Nullable String schema, String historyTable, Duration lockTimeout) {

	static final String SCHEMA_PROPERTY = "pigeon.install.schema";

	static final String HISTORY_TABLE_PROPERTY = "pigeon.install.history-table";

	static final String LOCK_TIMEOUT_PROPERTY = "pigeon.install.lock-timeout";

}
