package io.pigeon.internal.install;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.pigeon.internal.durable.DurableLogSql;
import io.pigeon.internal.sql.SqlIdentifiers;
import io.pigeon.internal.sql.TriggerDefinition;
import org.jspecify.annotations.Nullable;

/**
 * Pigeon's record of what it installed, in the manner of Flyway's schema history: one row per
 * installation or removal, never updated, so the latest row of a trigger says whether Pigeon
 * created the trigger that has its name.
 * <p>
 * Every statement is plain SQL with literals rather than bind parameters so the exported
 * scripts record exactly what the installer records; the installer and the scripts run them
 * with {@code standard_conforming_strings} on ({@link #STANDARD_STRINGS}), the only setting
 * that changes how a literal reads.
 * <p>
 * Each row names its owner ({@link InstallOwner}) and the version of the owner's configuration:
 * an owner removes and replaces only the triggers it installed, and an older version leaves a
 * newer one's triggers alone. The two columns came after Pigeon 0.1, whose tables are migrated
 * in place ({@link #migrateTable()}), their rows given to the first owner that migrates them.
 */
final class InstallHistory {

	/**
	 * The history table's columns, checked before an existing table is trusted as Pigeon's.
	 */
	static final List<String> COLUMNS = List.of("installed_rank", "action", "schema_name", "table_name",
			"trigger_name", "function_name", "channel", "checksum", "trigger_oid", "function_oid",
			"trigger_fingerprint", "function_fingerprint", "installed_on", "installed_by", "execution_time");

	/**
	 * The columns added since Pigeon 0.1, which {@link #migrateTable()} adds to its tables.
	 */
	static final List<String> OWNER_COLUMNS = List.of("owner", "version");

	/**
	 * Makes every literal of a transaction read as standard SQL whatever the session's
	 * setting, so a backslash in a name or a version is taken as it is.
	 */
	static final String STANDARD_STRINGS = "SET LOCAL standard_conforming_strings = on";

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

	private final InstallOwner owner;

	InstallHistory(String schema, String table) {
		this(schema, table, InstallOwner.unversioned());
	}

	InstallHistory(String schema, String table, InstallOwner owner) {
		this.schema = schema;
		this.table = table;
		this.qualifiedName = SqlIdentifiers.quote(schema) + "." + SqlIdentifiers.quote(table);
		this.owner = owner;
	}

	InstallOwner owner() {
		return this.owner;
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
				    execution_time integer NOT NULL,
				    owner text NOT NULL,
				    version text
				);""".formatted(this.qualifiedName);
	}

	/**
	 * Return the statements adding the owner's columns to a history table of Pigeon 0.1,
	 * whose rows this installer's owner takes over; they change nothing on a current table.
	 * @return the statements, in the order to run them
	 */
	List<String> migrateTable() {
		return List.of(
				"ALTER TABLE " + this.qualifiedName
						+ " ADD COLUMN IF NOT EXISTS owner text, ADD COLUMN IF NOT EXISTS version text;",
				"UPDATE " + this.qualifiedName + " SET owner = " + literal(this.owner.name()) + " WHERE owner IS NULL;",
				"ALTER TABLE " + this.qualifiedName + " ALTER COLUMN owner SET NOT NULL;");
	}

	/**
	 * Return the statement recording Pigeon's change log, a support row that names the log
	 * in {@code table_name} (the support row of the overflow objects has none there).
	 * @param checksum the checksum of the log's DDL
	 * @return the statement
	 */
	String recordDurableLog(String checksum) {
		return "INSERT INTO " + this.qualifiedName
				+ " (action, schema_name, table_name, checksum, owner, version, execution_time)\nVALUES ("
				+ literal(SUPPORT) + ", " + literal(this.schema) + ", " + literal(DurableLogSql.LOG) + ", "
				+ literal(checksum) + ", " + ownerValues() + ", " + EXECUTION_TIME + ");";
	}

	String recordSupport(String checksum) {
		return "INSERT INTO " + this.qualifiedName
				+ " (action, schema_name, checksum, owner, version, execution_time)\nVALUES (" + literal(SUPPORT)
				+ ", " + literal(this.schema) + ", " + literal(checksum) + ", " + ownerValues() + ", " + EXECUTION_TIME
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
				+ " channel, checksum, trigger_oid, function_oid, trigger_fingerprint, function_fingerprint, owner,"
				+ " version, execution_time)\nSELECT " + literal(INSTALL) + ", " + literal(definition.schema()) + ", "
				+ literal(definition.table()) + ", " + literal(definition.name()) + ", "
				+ literal(definition.function()) + ", " + literal(definition.channel()) + ", " + literal(checksum)
				+ ", t.oid, p.oid, " + PostgresCatalog.TRIGGER_FAMILY_FINGERPRINT + ", "
				+ PostgresCatalog.FUNCTION_FINGERPRINT
				+ ", " + ownerValues() + ", " + EXECUTION_TIME
				+ "\nFROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_proc p ON p.oid = t.tgfoid"
				+ "\nWHERE t.tgrelid = " + relationOid(definition.schema(), definition.table()) + " AND t.tgname = "
				+ literal(definition.name()) + " AND NOT t.tgisinternal;";
	}

	String recordRemoval(Entry entry) {
		return "INSERT INTO " + this.qualifiedName
				+ " (action, schema_name, table_name, trigger_name, function_name, channel, owner, version,"
				+ " execution_time)\nVALUES (" + literal(REMOVE) + ", " + literal(entry.schema()) + ", "
				+ literal(entry.table()) + ", " + literal(entry.trigger()) + ", " + literal(entry.function()) + ", "
				+ literal(entry.channel()) + ", " + ownerValues() + ", " + EXECUTION_TIME + ");";
	}

	private String ownerValues() {
		String version = this.owner.version();
		return literal(this.owner.name()) + ", " + ((version != null) ? literal(version) : "NULL");
	}

	private static String relationOid(String schema, String table) {
		return "(SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
				+ " WHERE n.nspname = " + literal(schema) + " AND c.relname = " + literal(table) + ")";
	}

	private static String literal(String value) {
		return SqlIdentifiers.literal(value);
	}

	/**
	 * Read what Pigeon currently has installed according to the history, rows of Pigeon 0.1
	 * (without an owner) counting as this installer's owner's.
	 * @param connection the connection to read with
	 * @return the current state, empty if the history table does not exist
	 * @throws SQLException on a database error
	 */
	State read(Connection connection) throws SQLException {
		PostgresCatalog.Relation relation = new PostgresCatalog(connection).relation(this.schema, this.table);
		if (relation == null) {
			return new State(null, Map.of(), List.of(), false, null);
		}
		boolean migrated = relation.columns().containsAll(OWNER_COLUMNS);
		String supportChecksum = null;
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT checksum FROM " + this.qualifiedName
						+ " WHERE action = 'SUPPORT' AND table_name IS NULL ORDER BY installed_rank DESC LIMIT 1")) {
			if (result.next()) {
				supportChecksum = result.getString(1);
			}
		}
		String durableLogChecksum = null;
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT checksum FROM " + this.qualifiedName
						+ " WHERE action = 'SUPPORT' AND table_name = " + literal(DurableLogSql.LOG)
						+ " ORDER BY installed_rank DESC LIMIT 1")) {
			if (result.next()) {
				durableLogChecksum = result.getString(1);
			}
		}
		// The latest row of each trigger tells whether it is installed now, by whom, and from
		// which version of its owner's configuration.
		String ownerColumns = migrated ? "coalesce(owner, ?), version" : "?::text, NULL::text";
		String sql = "SELECT action, schema_name, table_name, trigger_name, function_name, channel, checksum,"
				+ " trigger_oid, function_oid, trigger_fingerprint, function_fingerprint, " + ownerColumns
				+ " FROM (SELECT DISTINCT ON (schema_name, table_name, trigger_name) * FROM " + this.qualifiedName
				+ " WHERE action IN ('INSTALL', 'REMOVE') ORDER BY schema_name, table_name, trigger_name,"
				+ " installed_rank DESC) latest ORDER BY installed_rank";
		Map<Key, Entry> triggers = new LinkedHashMap<>();
		List<Latest> latest = new ArrayList<>();
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			statement.setString(1, this.owner.name());
			try (ResultSet result = statement.executeQuery()) {
				while (result.next()) {
					Key key = new Key(result.getString(2), result.getString(3), result.getString(4));
					String owner = result.getString(12);
					latest.add(new Latest(key, owner, result.getString(13)));
					if (INSTALL.equals(result.getString(1))) {
						triggers.put(key, new Entry(key.schema(), key.table(), key.trigger(), result.getString(5),
								result.getString(6), result.getString(7), result.getLong(8), result.getLong(9),
								result.getString(10), result.getString(11), owner));
					}
				}
			}
		}
		return new State(supportChecksum, triggers, latest, !migrated, durableLogChecksum);
	}

	/**
	 * Read the history's high-water mark, which every installation and removal advances: a
	 * transaction that finds it where the plan left it knows that no other installation ran
	 * in between.
	 * @param connection the connection to read with, in the transaction to check
	 * @return the highest rank, or {@code null} if the table is empty or does not exist
	 * @throws SQLException on a database error
	 */
	@Nullable Long mark(Connection connection) throws SQLException {
		if (!exists(connection)) {
			return null;
		}
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT max(installed_rank) FROM " + this.qualifiedName)) {
			result.next();
			long mark = result.getLong(1);
			return result.wasNull() ? null : mark;
		}
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
	 * @param owner the owner that installed it
	 */
	record Entry(String schema, String table, String trigger, String function, String channel, String checksum,
			long triggerOid, long functionOid, String triggerFingerprint, String functionFingerprint, String owner) {

		Entry(String schema, String table, String trigger, String function, String channel, String checksum,
				long triggerOid, long functionOid, String triggerFingerprint, String functionFingerprint) {
			this(schema, table, trigger, function, channel, checksum, triggerOid, functionOid, triggerFingerprint,
					functionFingerprint, InstallOwner.DEFAULT_NAME);
		}

		Key key() {
			return new Key(this.schema, this.table, this.trigger);
		}

		String describe() {
			return "trigger \"" + this.trigger + "\" on \"" + this.schema + "\".\"" + this.table + "\"";
		}

	}

	/**
	 * The latest row of a trigger: an installation or a removal.
	 *
	 * @param key the trigger
	 * @param owner the owner that wrote the row
	 * @param version the version of its configuration, or {@code null}
	 */
	record Latest(Key key, String owner, @Nullable String version) {

	}

	/**
	 * What Pigeon has installed according to its history.
	 *
	 * @param supportChecksum the checksum of Pigeon's own objects as last installed, or
	 * {@code null}
	 * @param triggers the triggers installed and not removed since, of every owner
	 * @param latest the latest row of every trigger ever recorded, of every owner
	 * @param needsMigration whether the table lacks the {@link #OWNER_COLUMNS}
	 * @param durableLogChecksum the checksum of Pigeon's change log as last installed, or
	 * {@code null}
	 */
	record State(@Nullable String supportChecksum, Map<Key, Entry> triggers, List<Latest> latest,
			boolean needsMigration, @Nullable String durableLogChecksum) {

		/**
		 * Return the installed trigger that calls a function of a name.
		 * @param schema the function's schema
		 * @param function the function's name
		 * @return the trigger's record, or {@code null} if Pigeon did not create the function
		 */
		@Nullable Entry functionOwner(String schema, String function) {
			return this.triggers.values()
				.stream()
				.filter((entry) -> entry.schema().equals(schema) && entry.function().equals(function))
				.findFirst()
				.orElse(null);
		}

		/**
		 * Return the newest version of an owner's configuration that the latest rows of its
		 * triggers record: an allowed downgrade, which rewrites each of them that differs,
		 * makes its own version the newest again.
		 * @param owner the owner
		 * @return the version, or {@code null} if none is recorded
		 */
		@Nullable String newestVersion(String owner) {
			return this.latest.stream()
				.filter((row) -> row.owner().equals(owner))
				.map(Latest::version)
				.filter(Objects::nonNull)
				.max(ConfigurationVersions.ORDER)
				.orElse(null);
		}

	}

}
