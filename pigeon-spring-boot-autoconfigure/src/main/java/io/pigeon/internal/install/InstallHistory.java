package io.pigeon.internal.install;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.pigeon.internal.sql.SqlIdentifiers;
import io.pigeon.internal.sql.TriggerDefinition;
import org.jspecify.annotations.Nullable;

/**
 * Pigeon's record of what it installed, in the manner of Flyway's schema history: one row per
 * installation or removal, never updated, so the latest row of a trigger says whether Pigeon
 * created the trigger that has its name.
 * <p>
 * Every statement is plain SQL with literals rather than bind parameters so the exported
 * scripts record exactly what the installer records.
 */
final class InstallHistory {

	/**
	 * The history table's columns, checked before an existing table is trusted as Pigeon's.
	 */
	static final List<String> COLUMNS = List.of("installed_rank", "action", "schema_name", "table_name",
			"trigger_name", "function_name", "channel", "checksum", "trigger_oid", "function_oid",
			"trigger_fingerprint", "function_fingerprint", "installed_on", "installed_by", "execution_time");

	private static final String SUPPORT = "SUPPORT";

	private static final String INSTALL = "INSTALL";

	private static final String REMOVE = "REMOVE";

	/**
	 * Milliseconds since the start of the transaction, which each installation has to itself.
	 */
	private static final String EXECUTION_TIME = "(1000 * extract(epoch FROM clock_timestamp() - now()))::integer";

	private final String schema;

	private final String table;

	private final String qualifiedName;

	InstallHistory(String schema, String table) {
		this.schema = schema;
		this.table = table;
		this.qualifiedName = SqlIdentifiers.quote(schema) + "." + SqlIdentifiers.quote(table);
	}

	String schema() {
		return this.schema;
	}

	String table() {
		return this.table;
	}

	String createTable() {
		return """
				CREATE TABLE IF NOT EXISTS %s (
				    installed_rank bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
				    action text NOT NULL CHECK (action IN ('SUPPORT', 'INSTALL', 'REMOVE')),
				    schema_name text NOT NULL,
				    table_name text,
				    trigger_name text,
				    function_name text,
				    channel text,
				    checksum text,
				    trigger_oid oid,
				    function_oid oid,
				    trigger_fingerprint text,
				    function_fingerprint text,
				    installed_on timestamptz NOT NULL DEFAULT now(),
				    installed_by text NOT NULL DEFAULT current_user,
				    execution_time integer NOT NULL
				);""".formatted(this.qualifiedName);
	}

	String recordSupport(String checksum) {
		return "INSERT INTO " + this.qualifiedName + " (action, schema_name, checksum, execution_time)\nVALUES ("
				+ literal(SUPPORT) + ", " + literal(this.schema) + ", " + literal(checksum) + ", " + EXECUTION_TIME
				+ ");";
	}

	/**
	 * Return the statement recording an installed trigger, which reads the trigger's and its
	 * function's OIDs and fingerprints from the catalog so they can be compared later.
	 * @param definition the installed trigger
	 * @param checksum the checksum of its SQL
	 * @return the statement; it inserts no row if the trigger does not exist
	 */
	String recordInstall(TriggerDefinition definition, String checksum) {
		return "INSERT INTO " + this.qualifiedName + " (action, schema_name, table_name, trigger_name, function_name,"
				+ " channel, checksum, trigger_oid, function_oid, trigger_fingerprint, function_fingerprint,"
				+ " execution_time)\nSELECT " + literal(INSTALL) + ", " + literal(definition.schema()) + ", "
				+ literal(definition.table()) + ", " + literal(definition.name()) + ", "
				+ literal(definition.function()) + ", " + literal(definition.channel()) + ", " + literal(checksum)
				+ ", t.oid, p.oid, " + PostgresCatalog.TRIGGER_FINGERPRINT + ", " + PostgresCatalog.FUNCTION_FINGERPRINT
				+ ", " + EXECUTION_TIME + "\nFROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_proc p ON p.oid = t.tgfoid"
				+ "\nWHERE t.tgrelid = " + relationOid(definition.schema(), definition.table()) + " AND t.tgname = "
				+ literal(definition.name()) + " AND NOT t.tgisinternal;";
	}

	String recordRemoval(Entry entry) {
		return "INSERT INTO " + this.qualifiedName
				+ " (action, schema_name, table_name, trigger_name, function_name, channel, execution_time)\nVALUES ("
				+ literal(REMOVE) + ", " + literal(entry.schema()) + ", " + literal(entry.table()) + ", "
				+ literal(entry.trigger()) + ", " + literal(entry.function()) + ", " + literal(entry.channel()) + ", "
				+ EXECUTION_TIME + ");";
	}

	private static String relationOid(String schema, String table) {
		return "(SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
				+ " WHERE n.nspname = " + literal(schema) + " AND c.relname = " + literal(table) + ")";
	}

	private static String literal(String value) {
		return SqlIdentifiers.literal(value);
	}

	/**
	 * Read what Pigeon currently has installed according to the history.
	 * @param connection the connection to read with
	 * @return the current state, empty if the history table does not exist
	 * @throws SQLException on a database error
	 */
	State read(Connection connection) throws SQLException {
		if (!exists(connection)) {
			return new State(null, Map.of());
		}
		String supportChecksum = null;
		Map<Key, Entry> triggers = new LinkedHashMap<>();
		try (Statement statement = connection.createStatement()) {
			try (ResultSet result = statement.executeQuery("SELECT checksum FROM " + this.qualifiedName
					+ " WHERE action = 'SUPPORT' ORDER BY installed_rank DESC LIMIT 1")) {
				if (result.next()) {
					supportChecksum = result.getString(1);
				}
			}
			// The latest row of each trigger tells whether it is installed now.
			String sql = "SELECT action, schema_name, table_name, trigger_name, function_name, channel, checksum,"
					+ " trigger_oid, function_oid, trigger_fingerprint, function_fingerprint FROM (SELECT DISTINCT ON"
					+ " (schema_name, table_name, trigger_name) * FROM " + this.qualifiedName
					+ " WHERE action IN ('INSTALL', 'REMOVE') ORDER BY schema_name, table_name, trigger_name,"
					+ " installed_rank DESC) latest WHERE action = 'INSTALL' ORDER BY installed_rank";
			try (ResultSet result = statement.executeQuery(sql)) {
				while (result.next()) {
					Entry entry = new Entry(result.getString(2), result.getString(3), result.getString(4),
							result.getString(5), result.getString(6), result.getString(7), result.getLong(8),
							result.getLong(9), result.getString(10), result.getString(11));
					triggers.put(entry.key(), entry);
				}
			}
		}
		return new State(supportChecksum, triggers);
	}

	private boolean exists(Connection connection) throws SQLException {
		return new PostgresCatalog(connection).relation(this.schema, this.table) != null;
	}

	/**
	 * Identifies a trigger: its table and name.
	 *
	 * @param schema the table's schema
	 * @param table the table's name
	 * @param trigger the trigger's name
	 */
	record Key(String schema, String table, String trigger) {

		static Key of(TriggerDefinition definition) {
			return new Key(definition.schema(), definition.table(), definition.name());
		}

	}

	/**
	 * A trigger that Pigeon installed and has not removed since.
	 *
	 * @param schema the table's schema
	 * @param table the table's name
	 * @param trigger the trigger's name
	 * @param function the function's name, in the table's schema
	 * @param channel the channel
	 * @param checksum the checksum of the SQL that installed it
	 * @param triggerOid the trigger's OID right after installation
	 * @param functionOid the function's OID right after installation
	 * @param triggerFingerprint the trigger's fingerprint right after installation
	 * @param functionFingerprint the function's fingerprint right after installation
	 */
	record Entry(String schema, String table, String trigger, String function, String channel, String checksum,
			long triggerOid, long functionOid, String triggerFingerprint, String functionFingerprint) {

		Key key() {
			return new Key(this.schema, this.table, this.trigger);
		}

		String describe() {
			return "trigger \"" + this.trigger + "\" on \"" + this.schema + "\".\"" + this.table + "\"";
		}

	}

	/**
	 * What Pigeon has installed according to its history.
	 *
	 * @param supportChecksum the checksum of Pigeon's own objects as last installed, or
	 * {@code null}
	 * @param triggers the triggers installed and not removed since
	 */
	record State(@Nullable String supportChecksum, Map<Key, Entry> triggers) {

		boolean ownsFunction(String schema, String function) {
			return this.triggers.values()
				.stream()
				.anyMatch((entry) -> entry.schema().equals(schema) && entry.function().equals(function));
		}

	}

}
