package io.pigeon.internal.install;

import java.time.Duration;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * Where Pigeon keeps its own objects, how long an instance waits for another one's
 * installation, and how the caller names these settings in problems.
 *
 * @param schema the schema of Pigeon's own tables, or {@code null} for the installing
 * connection's current schema
 * @param historyTable the name of the table recording what Pigeon installed
 * @param lockTimeout how long to wait for another instance's installation to finish; zero
 * waits indefinitely
 * @param names how problems name each setting, e.g. by its property path
 * @since 0.1.0
 */
public record InstallSettings(@Nullable String schema, String historyTable, Duration lockTimeout,
		Function<InstallSetting, String> names) {

	/**
	 * Create new settings.
	 * @param schema the schema of Pigeon's own tables, or {@code null}
	 * @param historyTable the name of the history table
	 * @param lockTimeout how long to wait for another instance's installation to finish
	 * @param names how problems name each setting
	 * @throws IllegalArgumentException if the lock timeout is negative
	 */
	public InstallSettings {
		if (lockTimeout.isNegative()) {
			throw new IllegalArgumentException("The lock timeout must not be negative, but is " + lockTimeout);
		}
	}

	/**
	 * Create new settings that problems name in the installer's own terms
	 * ({@link InstallSetting#defaultName()}).
	 * @param schema the schema of Pigeon's own tables, or {@code null}
	 * @param historyTable the name of the history table
	 * @param lockTimeout how long to wait for another instance's installation to finish
	 */
	public InstallSettings(@Nullable String schema, String historyTable, Duration lockTimeout) {
		this(schema, historyTable, lockTimeout, InstallSetting::defaultName);
	}

	/**
	 * Return how problems name a setting.
	 * @param setting the setting
	 * @return its name, e.g. {@code pigeon.install.schema}
	 */
	public String name(InstallSetting setting) {
		return this.names.apply(setting);
	}

}
