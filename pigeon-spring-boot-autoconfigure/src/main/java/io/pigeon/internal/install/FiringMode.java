package io.pigeon.internal.install;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * When a trigger fires, as {@code pg_trigger.tgenabled} says and
 * {@code ALTER TABLE ... ENABLE [ALWAYS | REPLICA] | DISABLE TRIGGER} sets it. Operators set
 * {@code ALWAYS} or {@code REPLICA} on purpose (on a logical-replication subscriber, say), so
 * Pigeon counts both as enabled and keeps them when it replaces a trigger.
 */
enum FiringMode {

	/**
	 * Fires in sessions whose {@code session_replication_role} is {@code origin} or
	 * {@code local}, the default.
	 */
	ORIGIN('O'),

	/**
	 * Fires whatever the session's {@code session_replication_role}.
	 */
	ALWAYS('A'),

	/**
	 * Fires only in sessions whose {@code session_replication_role} is {@code replica}, such as
	 * logical replication's apply workers.
	 */
	REPLICA('R'),

	/**
	 * Never fires.
	 */
	DISABLED('D');

	private static final String REPLICA_ROLE = "replica";

	private final char code;

	FiringMode(char code) {
		this.code = code;
	}

	/**
	 * Return the mode of a {@code pg_trigger.tgenabled} value.
	 * @param tgenabled the value
	 * @return the mode
	 */
	static FiringMode of(char tgenabled) {
		for (FiringMode mode : values()) {
			if (mode.code == tgenabled) {
				return mode;
			}
		}
		throw new IllegalArgumentException("Unknown pg_trigger.tgenabled '" + tgenabled + "'");
	}

	/**
	 * Return whether a trigger in this mode is silenced for the sessions that start with a
	 * replication role. {@link #REPLICA} counts as enabled: it is set where the writes to
	 * watch come from replication.
	 * @param replicationRole the {@code session_replication_role} new sessions start with,
	 * {@code null} when unknown
	 * @return whether it is silenced
	 */
	boolean silencedFor(@Nullable String replicationRole) {
		return switch (this) {
			case ORIGIN -> REPLICA_ROLE.equals(replicationRole);
			case ALWAYS, REPLICA -> false;
			case DISABLED -> true;
		};
	}

	/**
	 * Return the keyword of {@code ALTER TABLE ... ENABLE <keyword> TRIGGER} that sets this
	 * mode again after {@code CREATE OR REPLACE TRIGGER}, which always leaves {@link #ORIGIN}.
	 * @return {@code ALWAYS} or {@code REPLICA}, or {@code null} when there is nothing to restore
	 */
	@Nullable String restoreKeyword() {
		return (this == ALWAYS || this == REPLICA) ? name().toUpperCase(Locale.ROOT) : null;
	}

}
