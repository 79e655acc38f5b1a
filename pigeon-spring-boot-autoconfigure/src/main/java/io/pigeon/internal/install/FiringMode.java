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
	 * Return whether a trigger in this mode fires in sessions with a replication role.
	 * @param replicationRole a {@code session_replication_role}, {@code origin} when unknown
	 * @return whether it fires
	 */
	boolean firesWith(@Nullable String replicationRole) {
		boolean replica = REPLICA_ROLE.equals(replicationRole);
		return switch (this) {
			case ORIGIN -> !replica;
			case ALWAYS -> true;
			case REPLICA -> replica;
			case DISABLED -> false;
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
