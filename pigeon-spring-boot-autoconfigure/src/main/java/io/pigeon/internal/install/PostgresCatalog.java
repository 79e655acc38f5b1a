package io.pigeon.internal.install;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import io.pigeon.TriggerLevel;
import io.pigeon.internal.durable.DurableLogSql;
import io.pigeon.internal.sql.TriggerDefinition;
import io.pigeon.internal.sql.SqlIdentifiers;
import io.pigeon.internal.sql.TriggerSqlGenerator;
import io.pigeon.internal.sql.TriggerTarget;
import org.jspecify.annotations.Nullable;

/**
 * Read-only queries on PostgreSQL's system catalogs, matching every name exactly as written
 * (names are never folded to lower case).
 */
final class PostgresCatalog {

	/**
	 * What identifies a trigger's definition, independent of the session's
	 * {@code search_path} (unlike {@code pg_get_triggerdef}). {@code tgenabled} is left out:
	 * it is compared on its own.
	 */
	static final String TRIGGER_FINGERPRINT = "md5(row(t.tgtype, t.tgattr, t.tgfoid, t.tgqual, t.tgargs, "
			+ "t.tgoldtable, t.tgnewtable, t.tgdeferrable, t.tginitdeferred)::text)";

	/**
	 * The further PostgreSQL triggers of the trigger {@code t} when it is a set-based durable
	 * one ({@link TriggerSqlGenerator#triggerNames}): on its table, named
	 * {@code <name>_insert}, {@code _update} or {@code _delete}, calling its function.
	 */
	private static final String COMPANIONS = "pg_catalog.pg_trigger c WHERE c.tgrelid = t.tgrelid"
			+ " AND c.tgfoid = t.tgfoid AND NOT c.tgisinternal AND c.tgname IN (t.tgname || '_insert',"
			+ " t.tgname || '_update', t.tgname || '_delete')";

	/**
	 * The {@link #TRIGGER_FINGERPRINT} of a Pigeon trigger, which for a set-based durable one
	 * covers each of its PostgreSQL triggers, so that one of them dropped or altered is seen;
	 * without further triggers it is the trigger's own fingerprint.
	 */
	static final String TRIGGER_FAMILY_FINGERPRINT = TRIGGER_FINGERPRINT + " || coalesce((SELECT '|' || "
			+ "string_agg(c.tgname || ':' || md5(row(c.tgtype, c.tgattr, c.tgfoid, c.tgqual, c.tgargs, c.tgoldtable,"
			+ " c.tgnewtable, c.tgdeferrable, c.tginitdeferred)::text), ',' ORDER BY c.tgname) FROM " + COMPANIONS
			+ "), '')";

	/**
	 * The {@code tgenabled} of a Pigeon trigger: {@code D} if any of its PostgreSQL triggers
	 * is disabled.
	 */
	private static final String FAMILY_ENABLED = "CASE WHEN EXISTS (SELECT 1 FROM " + COMPANIONS
			+ " AND c.tgenabled = 'D') THEN 'D' ELSE t.tgenabled END";

	/**
	 * What identifies a function's definition: its body and every setting that changes its
	 * behaviour.
	 */
	static final String FUNCTION_FINGERPRINT = "md5(row(p.prosrc, p.proconfig, p.prosecdef, p.prolang, "
			+ "p.prorettype, p.provolatile, p.proisstrict, p.proparallel)::text)";

	private static final String RELATION_OID = "(SELECT c.oid FROM pg_catalog.pg_class c"
			+ " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?)";

	private final Connection connection;

	PostgresCatalog(Connection connection) {
		this.connection = connection;
	}

	@Nullable String currentSchema() throws SQLException {
		return queryString("SELECT current_schema()");
	}

	@Nullable String currentUser() throws SQLException {
		return queryString("SELECT current_user");
	}

	boolean schemaExists(String schema) throws SQLException {
		return exists("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = ?", schema);
	}

	boolean hasSchemaPrivilege(String schema, String privilege) throws SQLException {
		return exists("SELECT 1 FROM pg_catalog.pg_namespace n WHERE n.nspname = ?"
				+ " AND pg_catalog.has_schema_privilege(n.oid, ?)", schema, privilege);
	}

	/**
	 * Return a relation with its live columns.
	 * @param schema the relation's schema
	 * @param name the relation's name
	 * @return the relation, or {@code null} if there is none of that name
	 * @throws SQLException on a database error
	 */
	@Nullable Relation relation(String schema, String name) throws SQLException {
		String sql = "SELECT c.oid, c.relkind, pg_catalog.has_table_privilege(c.oid, 'TRIGGER'),"
				+ " pg_catalog.pg_has_role(c.relowner, 'USAGE') FROM pg_catalog.pg_class c"
				+ " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?";
		try (PreparedStatement statement = prepare(sql, schema, name); ResultSet result = statement.executeQuery()) {
			if (!result.next()) {
				return null;
			}
			long oid = result.getLong(1);
			return new Relation(schema, name, RelationKind.of(result.getString(2).charAt(0)), columns(oid),
					result.getBoolean(3), result.getBoolean(4));
		}
	}

	/**
	 * Return a trigger's definition with its lane key: the configured {@code key}, else for a
	 * durable row-level trigger the primary key of its table (in the key's order), else none.
	 * The key is part of the generated function, hence of its checksum.
	 * @param definition the configured trigger
	 * @return the definition to generate
	 * @throws SQLException on a database error
	 */
	TriggerDefinition withLaneKey(TriggerDefinition definition) throws SQLException {
		if (!definition.durable() || definition.level() != TriggerLevel.ROW
				|| !definition.options().laneKey().isEmpty()) {
			return definition;
		}
		List<String> key = primaryKey(definition.schema(), definition.table());
		return key.isEmpty() ? definition : definition.withOptions(definition.options().withLaneKey(key));
	}

	/**
	 * Return the columns of a table's primary key, in the key's order; empty without one.
	 * @param schema the table's schema
	 * @param table the table's name
	 * @return the columns
	 * @throws SQLException on a database error
	 */
	List<String> primaryKey(String schema, String table) throws SQLException {
		String sql = "SELECT a.attname FROM pg_catalog.pg_constraint k"
				+ " JOIN pg_catalog.pg_class c ON c.oid = k.conrelid"
				+ " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
				+ " CROSS JOIN LATERAL unnest(k.conkey) WITH ORDINALITY AS u(attnum, position)"
				+ " JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = u.attnum"
				+ " WHERE n.nspname = ? AND c.relname = ? AND k.contype = 'p' ORDER BY u.position";
		List<String> columns = new ArrayList<>();
		try (PreparedStatement statement = prepare(sql, schema, table); ResultSet result = statement.executeQuery()) {
			while (result.next()) {
				columns.add(result.getString(1));
			}
		}
		return columns;
	}

	private List<String> columns(long relationOid) throws SQLException {
		String sql = "SELECT attname FROM pg_catalog.pg_attribute WHERE attrelid = ? AND attnum > 0"
				+ " AND NOT attisdropped ORDER BY attnum";
		List<String> columns = new ArrayList<>();
		try (PreparedStatement statement = prepare(sql, relationOid); ResultSet result = statement.executeQuery()) {
			while (result.next()) {
				columns.add(result.getString(1));
			}
		}
		return columns;
	}

	/**
	 * Return a trigger as it is in the catalog, with its function.
	 * @param schema the table's schema
	 * @param table the table's name
	 * @param name the trigger's name
	 * @return the trigger, or {@code null} if the table or trigger does not exist
	 * @throws SQLException on a database error
	 */
	@Nullable LiveTrigger trigger(String schema, String table, String name) throws SQLException {
		String sql = "SELECT t.oid, " + FAMILY_ENABLED + ", " + TRIGGER_FAMILY_FINGERPRINT
				+ ", p.oid, pn.nspname, p.proname, "
				+ FUNCTION_FINGERPRINT + " FROM pg_catalog.pg_trigger t"
				+ " JOIN pg_catalog.pg_proc p ON p.oid = t.tgfoid"
				+ " JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace"
				+ " WHERE t.tgrelid = " + RELATION_OID + " AND t.tgname = ? AND NOT t.tgisinternal";
		LiveTrigger live;
		try (PreparedStatement statement = prepare(sql, schema, table, name);
				ResultSet result = statement.executeQuery()) {
			if (!result.next()) {
				return null;
			}
			live = new LiveTrigger(result.getLong(1), result.getString(2).charAt(0), result.getString(3),
					result.getLong(4), result.getString(5), result.getString(6), result.getString(7), List.of());
		}
		List<String> disabledClones = new ArrayList<>();
		for (TriggerInstance instance : instances(List.of(new TriggerName(schema, table, name)))) {
			if (instance.onPartition() && FiringMode.of(instance.enabled()) == FiringMode.DISABLED) {
				disabledClones.add(instance.describeRelation());
			}
		}
		return disabledClones.isEmpty() ? live : live.withDisabledClones(disabledClones);
	}

	/**
	 * Return the further PostgreSQL triggers of a Pigeon trigger that is set-based and durable
	 * (see {@link TriggerSqlGenerator#triggerNames}) as they are in the catalog.
	 * @param schema the table's schema
	 * @param table the table's name
	 * @param name the Pigeon trigger's name
	 * @return the names of its further triggers, empty if it has none or does not exist
	 * @throws SQLException on a database error
	 */
	List<String> companions(String schema, String table, String name) throws SQLException {
		String sql = "SELECT c.tgname FROM pg_catalog.pg_trigger t, " + COMPANIONS + " AND t.tgrelid = "
				+ RELATION_OID + " AND t.tgname = ? AND NOT t.tgisinternal ORDER BY c.tgname";
		List<String> names = new ArrayList<>();
		try (PreparedStatement statement = prepare(sql, schema, table, name);
				ResultSet result = statement.executeQuery()) {
			while (result.next()) {
				names.add(result.getString(1));
			}
		}
		return names;
	}

	/**
	 * Return the kind of a relation as the SQL generator needs it to choose the form of a
	 * durable trigger ({@link TriggerSqlGenerator#setBased}). A partition is given as a
	 * partitioned table: a statement-level trigger on it would not fire for rows routed to it
	 * through its partitioned table, so like a partitioned table it keeps the row-level form.
	 * @param schema the relation's schema
	 * @param name the relation's name
	 * @return the kind, or {@code null} if there is no table or view of that name
	 * @throws SQLException on a database error
	 */
	TriggerTarget.@Nullable Kind kind(String schema, String name) throws SQLException {
		String relkind = queryString("SELECT CASE WHEN c.relispartition THEN 'p' ELSE c.relkind::text END"
				+ " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
				+ " WHERE n.nspname = ? AND c.relname = ?", schema, name);
		if (relkind == null) {
			return null;
		}
		return switch (RelationKind.of(relkind.charAt(0))) {
			case TABLE -> TriggerTarget.Kind.TABLE;
			case PARTITIONED_TABLE -> TriggerTarget.Kind.PARTITIONED_TABLE;
			case VIEW -> TriggerTarget.Kind.VIEW;
			case OTHER -> null;
		};
	}

	/**
	 * Return whether every object of Pigeon's change log exists in a schema.
	 * @param schema the Pigeon schema
	 * @return whether the log, its slots, its sequence and the subscription tables exist
	 * @throws SQLException on a database error
	 */
	boolean durableLogExists(String schema) throws SQLException {
		List<String> names = new ArrayList<>(List.of(DurableLogSql.LOG, DurableLogSql.LOG_SLOT,
				DurableLogSql.LOG_TRUNCATION, DurableLogSql.EVENT_ID_SEQUENCE, DurableLogSql.SUBSCRIPTION,
				DurableLogSql.SUBSCRIPTION_LEASE, DurableLogSql.DEAD_LETTER, DurableLogSql.SUBSCRIPTION_MEMBER));
		for (int slot = 0; slot < DurableLogSql.SLOTS; slot++) {
			names.add(DurableLogSql.slotTable(slot));
		}
		String sql = "SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
				+ " ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ANY (?::text[])";
		try (PreparedStatement statement = prepare(sql, schema,
				this.connection.createArrayOf("text", names.toArray()));
				ResultSet result = statement.executeQuery()) {
			result.next();
			return result.getInt(1) == names.size();
		}
	}

	/**
	 * Return every instance of some triggers in one query: each trigger itself, a set-based
	 * durable trigger's further triggers (one per event, named as such in its instances) and,
	 * on a partitioned table, the clones PostgreSQL gives its partitions (at every level), which
	 * an operator can disable one by one.
	 * @param names the triggers
	 * @return the instances, each with the index of its trigger in {@code names}; none for a
	 * trigger that does not exist
	 * @throws SQLException on a database error
	 */
	List<TriggerInstance> instances(List<TriggerName> names) throws SQLException {
		String sql = "WITH RECURSIVE configured(position, nsp, rel, tgname) AS ("
				+ "SELECT u.ord::int - 1, u.nsp, u.rel, u.tgname FROM unnest(?::text[], ?::text[], ?::text[])"
				+ " WITH ORDINALITY AS u(nsp, rel, tgname, ord)),"
				+ " instance(position, oid, tgrelid, tgenabled, clone) AS ("
				+ "SELECT cf.position, t.oid, t.tgrelid, t.tgenabled, false FROM configured cf"
				+ " JOIN pg_catalog.pg_namespace n ON n.nspname = cf.nsp"
				+ " JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = cf.rel"
				+ " JOIN pg_catalog.pg_trigger t ON t.tgrelid = c.oid AND NOT t.tgisinternal AND (t.tgname = cf.tgname"
				// a set-based durable trigger's further triggers, one per event, calling its function
				+ " OR (t.tgname IN (cf.tgname || '_insert', cf.tgname || '_update', cf.tgname || '_delete')"
				+ " AND t.tgfoid = (SELECT p.tgfoid FROM pg_catalog.pg_trigger p WHERE p.tgrelid = c.oid"
				+ " AND p.tgname = cf.tgname AND NOT p.tgisinternal)))"
				+ " UNION ALL SELECT i.position, t.oid, t.tgrelid, t.tgenabled, true FROM pg_catalog.pg_trigger t"
				+ " JOIN instance i ON t.tgparentid = i.oid)"
				+ " SELECT i.position, n.nspname, c.relname, i.tgenabled, i.clone,"
				+ " (SELECT t.tgname FROM pg_catalog.pg_trigger t WHERE t.oid = i.oid) FROM instance i"
				+ " JOIN pg_catalog.pg_class c ON c.oid = i.tgrelid"
				+ " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
				+ " ORDER BY i.position, i.clone, n.nspname, c.relname, 6";
		List<TriggerInstance> instances = new ArrayList<>();
		try (PreparedStatement statement = prepare(sql, textArray(names, TriggerName::schema),
				textArray(names, TriggerName::table), textArray(names, TriggerName::name));
				ResultSet result = statement.executeQuery()) {
			while (result.next()) {
				int position = result.getInt(1);
				TriggerName configured = names.get(position);
				TriggerName name = configured.name().equals(result.getString(6)) ? configured
						: new TriggerName(configured.schema(), configured.table(), result.getString(6));
				instances.add(new TriggerInstance(position, name, result.getString(2), result.getString(3),
						result.getString(4).charAt(0), result.getBoolean(5)));
			}
		}
		return instances;
	}

	/**
	 * Return the {@code session_replication_role} that sessions opening now start with: the
	 * database's own setting ({@code ALTER DATABASE ... SET}, or {@code ALTER ROLE ALL}), else the
	 * server's ({@code postgresql.conf}, {@code ALTER SYSTEM} once reloaded). A role's or a
	 * session's own setting cannot be seen from another session.
	 * @return the role, e.g. {@code origin} or {@code replica}
	 * @throws SQLException on a database error
	 */
	@Nullable String defaultReplicationRole() throws SQLException {
		return queryString("SELECT coalesce((SELECT substr(cfg, length('session_replication_role=') + 1)"
				+ " FROM pg_catalog.pg_db_role_setting s, unnest(s.setconfig) AS cfg WHERE s.setrole = 0"
				+ " AND s.setdatabase IN (0,"
				+ " (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database()))"
				+ " AND starts_with(cfg, 'session_replication_role=') ORDER BY s.setdatabase DESC LIMIT 1),"
				+ " (SELECT reset_val FROM pg_catalog.pg_settings WHERE name = 'session_replication_role'))");
	}

	private Array textArray(List<TriggerName> names, Function<TriggerName, String> part) throws SQLException {
		return this.connection.createArrayOf("text", names.stream().map(part).toArray());
	}

	/**
	 * Return the OID of a function without arguments, the only kind a trigger function can be.
	 * @param schema the function's schema
	 * @param name the function's name
	 * @return the OID, or {@code null} if there is no such function
	 * @throws SQLException on a database error
	 */
	@Nullable Long function(String schema, String name) throws SQLException {
		String sql = "SELECT p.oid FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
				+ " WHERE n.nspname = ? AND p.proname = ? AND p.pronargs = 0";
		try (PreparedStatement statement = prepare(sql, schema, name); ResultSet result = statement.executeQuery()) {
			return result.next() ? result.getLong(1) : null;
		}
	}

	/**
	 * Return whether Pigeon's own objects that trigger functions use exist in a schema.
	 * @param schema the Pigeon schema
	 * @return whether the overflow table and the function storing into it exist
	 * @throws SQLException on a database error
	 */
	boolean supportObjectsExist(String schema) throws SQLException {
		String store = SqlIdentifiers.quote(schema) + "."
				+ SqlIdentifiers.quote(TriggerSqlGenerator.OVERFLOW_STORE_FUNCTION) + "(text, text)";
		return relation(schema, TriggerSqlGenerator.OVERFLOW_TABLE) != null
				&& exists("SELECT 1 WHERE pg_catalog.to_regprocedure(?) IS NOT NULL", store);
	}

	/**
	 * Return how many triggers call a function.
	 * @param functionOid the function
	 * @return the number of triggers, clones on partitions included
	 * @throws SQLException on a database error
	 */
	int triggersCalling(long functionOid) throws SQLException {
		try (PreparedStatement statement = prepare("SELECT count(*) FROM pg_catalog.pg_trigger WHERE tgfoid = ?",
				functionOid); ResultSet result = statement.executeQuery()) {
			result.next();
			return result.getInt(1);
		}
	}

	private @Nullable String queryString(String sql, Object... parameters) throws SQLException {
		try (PreparedStatement statement = prepare(sql, parameters); ResultSet result = statement.executeQuery()) {
			return result.next() ? result.getString(1) : null;
		}
	}

	private boolean exists(String sql, Object... parameters) throws SQLException {
		try (PreparedStatement statement = prepare(sql, parameters); ResultSet result = statement.executeQuery()) {
			return result.next();
		}
	}

	private PreparedStatement prepare(String sql, Object... parameters) throws SQLException {
		PreparedStatement statement = this.connection.prepareStatement(sql);
		try {
			for (int i = 0; i < parameters.length; i++) {
				statement.setObject(i + 1, parameters[i]);
			}
			return statement;
		}
		catch (SQLException | RuntimeException ex) {
			// The caller's try-with-resources never sees a statement that is not returned.
			try {
				statement.close();
			}
			catch (SQLException closeFailure) {
				ex.addSuppressed(closeFailure);
			}
			throw ex;
		}
	}

	/**
	 * The kinds of relation a trigger may be asked for.
	 */
	enum RelationKind {

		TABLE("table"), PARTITIONED_TABLE("partitioned table"), VIEW("view"), OTHER("relation");

		private final String description;

		RelationKind(String description) {
			this.description = description;
		}

		static RelationKind of(char relkind) {
			return switch (relkind) {
				case 'r' -> TABLE;
				case 'p' -> PARTITIONED_TABLE;
				case 'v' -> VIEW;
				default -> OTHER;
			};
		}

		@Override
		public String toString() {
			return this.description;
		}

	}

	/**
	 * A table, partitioned table or view, or another relation Pigeon cannot watch.
	 *
	 * @param schema the relation's schema
	 * @param name the relation's name
	 * @param kind the relation's kind
	 * @param columns the live columns, in table order
	 * @param triggerPrivilege whether the current user may create triggers on it
	 * @param owned whether the current user owns it (needed to drop or replace a trigger)
	 */
	record Relation(String schema, String name, RelationKind kind, List<String> columns, boolean triggerPrivilege,
			boolean owned) {

		String describe() {
			return this.kind + " \"" + this.schema + "\".\"" + this.name + "\"";
		}

	}

	/**
	 * A trigger as it is in the catalog.
	 *
	 * @param oid the trigger's OID
	 * @param enabled {@code pg_trigger.tgenabled}: {@code O} when enabled normally
	 * @param fingerprint the trigger's {@link #TRIGGER_FINGERPRINT}
	 * @param functionOid the OID of the function it calls
	 * @param functionSchema the schema of the function it calls
	 * @param functionName the name of the function it calls
	 * @param functionFingerprint the function's {@link #FUNCTION_FINGERPRINT}
	 * @param disabledClones the partitions, as {@code schema.table}, where the trigger's clone
	 * is disabled; empty on a table that is not partitioned
	 */
	record LiveTrigger(long oid, char enabled, String fingerprint, long functionOid, String functionSchema,
			String functionName, String functionFingerprint, List<String> disabledClones) {

		LiveTrigger {
			disabledClones = List.copyOf(disabledClones);
		}

		LiveTrigger withDisabledClones(List<String> clones) {
			return new LiveTrigger(this.oid, this.enabled, this.fingerprint, this.functionOid, this.functionSchema,
					this.functionName, this.functionFingerprint, clones);
		}

	}

	/**
	 * The name of a trigger.
	 *
	 * @param schema the table's schema
	 * @param table the table's name
	 * @param name the trigger's name
	 */
	record TriggerName(String schema, String table, String name) {

	}

	/**
	 * One instance of a trigger: the trigger itself, or its clone on a partition.
	 *
	 * @param position the index of its trigger among those asked for
	 * @param trigger the trigger's name
	 * @param schema the schema of the table it is on
	 * @param table the table it is on, a partition for a clone
	 * @param enabled {@code pg_trigger.tgenabled}
	 * @param onPartition whether it is a clone on a partition
	 */
	record TriggerInstance(int position, TriggerName trigger, String schema, String table, char enabled,
			boolean onPartition) {

		String describeRelation() {
			return this.schema + "." + this.table;
		}

		/**
		 * Return the instance as operators name it, e.g. {@code public.items.pigeon_items_notify}.
		 * @return the name
		 */
		String describe() {
			return describeRelation() + "." + this.trigger.name();
		}

	}

}
