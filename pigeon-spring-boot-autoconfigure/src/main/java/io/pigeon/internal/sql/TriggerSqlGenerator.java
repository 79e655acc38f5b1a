package io.pigeon.internal.sql;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;

import io.pigeon.PigeonAction;
import io.pigeon.TriggerLevel;
import io.pigeon.TriggerTiming;
import io.pigeon.internal.payload.JsonStrings;
import org.jspecify.annotations.Nullable;

/**
 * Generates the SQL of Pigeon's trigger functions, triggers and own objects from
 * {@link TriggerDefinition}s. Every name is quoted with {@link SqlIdentifiers} and every value
 * written as a literal, so configuration values are never read as SQL.
 * <p>
 * The functions implement Pigeon's payload contract (see the README's "Payload format"): one
 * JSON object per notification with {@code action}, {@code schema}, {@code table},
 * {@code txid}, {@code seq} and {@code ts}, plus {@code data} (and {@code old}) at row level,
 * {@code count} at statement level where PostgreSQL can give it, or {@code overflow} when the
 * payload would exceed PostgreSQL's NOTIFY limit.
 * <p>
 * The generator checks only what no database could accept (for example {@code TRUNCATE} at
 * row level) and throws {@link IllegalArgumentException} for it; whether the table, its
 * columns and the names' lengths suit the catalog is for the caller to check first.
 *
 * @since 0.1.0
 */
public final class TriggerSqlGenerator {

	/**
	 * The name of the table, in the Pigeon schema, that holds payloads too large to notify.
	 */
	public static final String OVERFLOW_TABLE = "pigeon_overflow";

	/**
	 * The name of the function, in the Pigeon schema, that trigger functions call to store an
	 * overflowing payload.
	 */
	public static final String OVERFLOW_STORE_FUNCTION = "pigeon_overflow_store";

	/**
	 * PostgreSQL refuses a NOTIFY payload of 8000 bytes or more ({@code NOTIFY_PAYLOAD_MAX_LENGTH}
	 * with the default 8 kB block size), counted in the server encoding, which is what
	 * {@code octet_length} counts too.
	 */
	private static final int NOTIFY_PAYLOAD_LIMIT = 8000;

	/**
	 * {@code json_build_object} takes at most 100 arguments (PostgreSQL's
	 * {@code FUNC_MAX_ARGS}), that is 50 key/value pairs.
	 */
	private static final int PAIRS_PER_JSON_BUILD_OBJECT = 50;

	private static final String TRANSITION_TABLE = "pigeon_rows";

	/**
	 * The functions run with a fixed search path so a caller's search_path cannot substitute
	 * its own functions or operators ({@code pg_temp} last, as PostgreSQL's documentation
	 * advises). {@code standard_conforming_strings} is fixed because PL/pgSQL reads the
	 * function's literals with the setting of the session that first calls it.
	 */
	private static final String FUNCTION_SETTINGS = """
			SET search_path = pg_catalog, pg_temp
			SET standard_conforming_strings = on
			""";

	/**
	 * Every notification's {@code seq}: a counter in a transaction-local custom setting. It
	 * needs no privilege and no shared state (a sequence would need USAGE granted to every
	 * writing role, take a lock per call and write WAL), it starts again in every transaction
	 * ({@code txid} tells transactions apart) and a rolled-back subtransaction rolls it back
	 * together with the notifications it queued, so delivered payloads never repeat. After a
	 * transaction that set it, the setting reads as an empty string, hence {@code nullif}. A
	 * session that sets {@code pigeon.seq} to something that is not a number breaks its own
	 * writes to watched tables.
	 */
	private static final String SEQ_DECLARATION = "seq bigint := set_config('pigeon.seq', "
			+ "(coalesce(nullif(current_setting('pigeon.seq', true), ''), '0')::bigint + 1)::text, true);";

	/**
	 * Microseconds since the Unix epoch of the moment the trigger runs (not the transaction's
	 * start), for the listener's lag metric.
	 */
	private static final String TS_EXPRESSION = "(extract(epoch FROM clock_timestamp()) * 1000000)::bigint";

	private final String pigeonSchema;

	/**
	 * Create a generator whose functions use Pigeon's own objects in the given schema.
	 * @param pigeonSchema the schema of Pigeon's overflow table ({@code pigeon.install.schema})
	 */
	public TriggerSqlGenerator(String pigeonSchema) {
		SqlIdentifiers.quote(pigeonSchema);
		this.pigeonSchema = pigeonSchema;
	}

	/**
	 * Return the idempotent DDL of the objects in the Pigeon schema that trigger functions use:
	 * the overflow table, an index for the listener's clean-up by age, and the
	 * {@code SECURITY DEFINER} function that stores an overflowing payload. That function lets
	 * every writing role store a payload without being granted anything on the table (the
	 * table stays unreadable to them, payloads hold row data) and takes only the payload text,
	 * so no code of the writer's runs with its owner's rights. Writing roles still need USAGE
	 * on the Pigeon schema (every role has it on {@code public}).
	 * @return the statements, separated by semicolons
	 */
	public String createSupportObjects() {
		String table = qualified(this.pigeonSchema, OVERFLOW_TABLE);
		String store = qualified(this.pigeonSchema, OVERFLOW_STORE_FUNCTION);
		String insert = "INSERT INTO " + table + " (payload) VALUES ($1) RETURNING id";
		String tag = dollarQuoteTag(insert);
		return """
				CREATE TABLE IF NOT EXISTS %1$s (
					id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
					payload text NOT NULL,
					created_at timestamptz NOT NULL DEFAULT clock_timestamp()
				);
				CREATE INDEX IF NOT EXISTS %2$s ON %1$s (created_at);
				CREATE OR REPLACE FUNCTION %3$s(payload text)
				RETURNS bigint
				LANGUAGE sql
				SECURITY DEFINER
				%4$sAS %5$s%6$s%5$s;
				GRANT EXECUTE ON FUNCTION %3$s(text) TO PUBLIC;
				""".formatted(table, SqlIdentifiers.quote(OVERFLOW_TABLE + "_created_at_idx"), store,
				FUNCTION_SETTINGS, tag, insert);
	}

	/**
	 * Return {@code CREATE FUNCTION} for the definition's trigger function; it fails if a
	 * function of that name exists, so it never replaces one that Pigeon did not create.
	 * @param definition the trigger
	 * @return the statement
	 * @throws IllegalArgumentException if no PostgreSQL could accept the definition
	 * @see #createOrReplaceFunction(TriggerDefinition)
	 */
	public String createFunction(TriggerDefinition definition) {
		return function("CREATE FUNCTION ", definition);
	}

	/**
	 * Return {@code CREATE OR REPLACE FUNCTION} for the definition's trigger function: replacing
	 * the body keeps the function's identity, so the trigger that calls it stays in place.
	 * @param definition the trigger
	 * @return the statement
	 * @throws IllegalArgumentException if no PostgreSQL could accept the definition
	 */
	public String createOrReplaceFunction(TriggerDefinition definition) {
		return function("CREATE OR REPLACE FUNCTION ", definition);
	}

	/**
	 * Return {@code CREATE TRIGGER} for the definition; it fails if the table has a trigger of
	 * that name.
	 * @param definition the trigger
	 * @return the statement
	 * @throws IllegalArgumentException if no PostgreSQL could accept the definition
	 * @see #createOrReplaceTrigger(TriggerDefinition)
	 */
	public String createTrigger(TriggerDefinition definition) {
		return trigger("CREATE TRIGGER ", definition);
	}

	/**
	 * Return {@code CREATE OR REPLACE TRIGGER} (PostgreSQL 14 or later) for the definition.
	 * Together with {@link #createOrReplaceFunction(TriggerDefinition)} in one transaction it
	 * changes a trigger without a moment in which the table has none.
	 * @param definition the trigger
	 * @return the statement
	 * @throws IllegalArgumentException if no PostgreSQL could accept the definition
	 */
	public String createOrReplaceTrigger(TriggerDefinition definition) {
		return trigger("CREATE OR REPLACE TRIGGER ", definition);
	}

	/**
	 * Return {@code DROP TRIGGER IF EXISTS}, without {@code CASCADE}.
	 * @param schema the table's schema
	 * @param table the table or view
	 * @param trigger the trigger's name
	 * @return the statement
	 */
	public String dropTrigger(String schema, String table, String trigger) {
		return "DROP TRIGGER IF EXISTS " + SqlIdentifiers.quote(trigger) + " ON " + qualified(schema, table);
	}

	/**
	 * Return {@code DROP FUNCTION IF EXISTS} for a trigger function, without {@code CASCADE}: it
	 * fails while a trigger still uses the function.
	 * @param schema the function's schema
	 * @param function the function's name
	 * @return the statement
	 */
	public String dropFunction(String schema, String function) {
		return "DROP FUNCTION IF EXISTS " + qualified(schema, function) + "()";
	}

	/**
	 * Return whether the definition's statement-level payloads carry {@code count}: only an
	 * AFTER statement trigger on exactly one of INSERT, UPDATE or DELETE without
	 * {@code update-of} can have the transition table that counts the rows. PostgreSQL refuses
	 * transition tables on views and foreign tables, so such a trigger needs a table.
	 * @param definition the trigger
	 * @return whether the trigger counts the rows its statement touched
	 */
	public static boolean countsRows(TriggerDefinition definition) {
		return definition.level() == TriggerLevel.STATEMENT && definition.timing() == TriggerTiming.AFTER
				&& definition.events().size() == 1 && definition.events().get(0) != PigeonAction.TRUNCATE
				&& definition.updateOf().isEmpty();
	}

	private String function(String command, TriggerDefinition definition) {
		validate(definition);
		String body = (definition.level() == TriggerLevel.ROW) ? rowBody(definition) : statementBody(definition);
		String tag = dollarQuoteTag(body);
		return command + qualified(definition.schema(), definition.function()) + "()\n" + "RETURNS trigger\n"
				+ "LANGUAGE plpgsql\n" + FUNCTION_SETTINGS + "AS " + tag + "\n" + body + tag;
	}

	/**
	 * The row function. A user's write must never fail because of Pigeon, but the body has no
	 * EXCEPTION block: PL/pgSQL would start and end a subtransaction for every row, and each one
	 * that stored an overflow row would take a subtransaction id (past 64 in one transaction,
	 * every session's snapshots slow down). Instead the body avoids the failures it can foresee:
	 * <ul>
	 * <li>a payload of 8000 bytes or more, the one error {@code pg_notify} raises for its data,
	 * goes to the overflow table;</li>
	 * <li>storing it needs no privilege on the table ({@link #createSupportObjects()});</li>
	 * <li>channel and names are checked before installation (empty here, 63 bytes by the
	 * installer).</li>
	 * </ul>
	 * What it cannot prevent, and the README states: a transaction that notified cannot be
	 * prepared for two-phase commit; commits fail once the 8 GB notification queue is full,
	 * which happens only while a session that listens stops reading; and a hand-dropped overflow
	 * table or a session that sets {@code pigeon.seq} to a non-number breaks writes.
	 */
	private String rowBody(TriggerDefinition definition) {
		Set<PigeonAction> events = EnumSet.copyOf(definition.events());
		List<String> columns = definition.columns();
		boolean includeOld = definition.includeOld() && events.contains(PigeonAction.UPDATE);
		List<PayloadArm> arms = new ArrayList<>();
		if (events.contains(PigeonAction.DELETE)) {
			arms.add(new PayloadArm("TG_OP = 'DELETE'", jsonOf("OLD", columns), null));
		}
		if (includeOld) {
			arms.add(new PayloadArm("TG_OP = 'UPDATE'", jsonOf("NEW", columns), jsonOf("OLD", columns)));
		}
		if (events.contains(PigeonAction.INSERT) || (events.contains(PigeonAction.UPDATE) && !includeOld)) {
			arms.add(new PayloadArm(null, jsonOf("NEW", columns), null));
		}
		StringBuilder body = new StringBuilder();
		body.append("DECLARE\n\t").append(SEQ_DECLARATION).append("\n\thead text;\n\tpayload text;\nBEGIN\n");
		body.append("\thead := ").append(payloadHead(definition)).append(";\n");
		if (arms.size() == 1) {
			arms.get(0).appendTo(body, "\t");
		}
		else {
			for (int i = 0; i < arms.size(); i++) {
				if (i == 0) {
					body.append("\tIF ").append(arms.get(i).condition()).append(" THEN\n");
				}
				else if (i < arms.size() - 1) {
					body.append("\tELSIF ").append(arms.get(i).condition()).append(" THEN\n");
				}
				else {
					body.append("\tELSE\n");
				}
				arms.get(i).appendTo(body, "\t\t");
			}
			body.append("\tEND IF;\n");
		}
		body.append("\tIF octet_length(payload) >= ").append(NOTIFY_PAYLOAD_LIMIT).append(" THEN\n");
		body.append("\t\tpayload := head || ',\"overflow\":' || ")
			.append(qualified(this.pigeonSchema, OVERFLOW_STORE_FUNCTION))
			.append("(payload) || '}';\n");
		body.append("\tEND IF;\n");
		body.append("\tPERFORM pg_notify(").append(SqlIdentifiers.literal(definition.channel())).append(", payload);\n");
		body.append(rowReturn(definition.timing(), events));
		return body.append("END\n").toString();
	}

	/**
	 * BEFORE and INSTEAD OF row triggers return the row they were given, so the write goes on
	 * unchanged (BEFORE) or counts as done (INSTEAD OF); an AFTER trigger's result is ignored.
	 */
	private static String rowReturn(TriggerTiming timing, Set<PigeonAction> events) {
		if (timing == TriggerTiming.AFTER) {
			return "\tRETURN NULL;\n";
		}
		if (!events.contains(PigeonAction.DELETE)) {
			return "\tRETURN NEW;\n";
		}
		if (events.size() == 1) {
			return "\tRETURN OLD;\n";
		}
		return "\tIF TG_OP = 'DELETE' THEN\n\t\tRETURN OLD;\n\tEND IF;\n\tRETURN NEW;\n";
	}

	/**
	 * A statement payload holds no row data and names of at most 63 bytes, far below the NOTIFY
	 * limit, so it needs no overflow check.
	 */
	private String statementBody(TriggerDefinition definition) {
		StringBuilder body = new StringBuilder();
		body.append("DECLARE\n\t").append(SEQ_DECLARATION).append("\nBEGIN\n");
		body.append("\tPERFORM pg_notify(").append(SqlIdentifiers.literal(definition.channel())).append(", ");
		body.append(payloadHead(definition));
		if (countsRows(definition)) {
			body.append("\n\t\t|| ',\"count\":' || (SELECT count(*) FROM ")
				.append(SqlIdentifiers.quote(TRANSITION_TABLE))
				.append(')');
		}
		body.append(" || '}');\n");
		body.append("\tRETURN NULL;\n");
		return body.append("END\n").toString();
	}

	/**
	 * The payload's keys common to every notification, without the closing brace. The names
	 * are the configured table's (a partition's row still reports its partitioned table),
	 * encoded as JSON once, here, rather than for every row.
	 */
	private static String payloadHead(TriggerDefinition definition) {
		String constant = ",\"schema\":" + JsonStrings.quote(definition.schema()) + ",\"table\":"
				+ JsonStrings.quote(definition.table()) + ",\"txid\":";
		return "'{\"action\":\"' || TG_OP || " + SqlIdentifiers.literal("\"" + constant)
				+ " || txid_current()\n\t\t|| ',\"seq\":' || seq || ',\"ts\":' || " + TS_EXPRESSION;
	}

	/**
	 * A JSON object of the row: every column with {@code to_json}, which keeps numbers as
	 * numbers, json and jsonb nested and timestamps in ISO 8601; or the selected columns with
	 * {@code json_build_object}, joined as text when there are more than it accepts.
	 */
	private static String jsonOf(String row, List<String> columns) {
		if (columns.isEmpty()) {
			return "to_json(" + row + ")";
		}
		List<String> objects = new ArrayList<>();
		for (int from = 0; from < columns.size(); from += PAIRS_PER_JSON_BUILD_OBJECT) {
			StringJoiner pairs = new StringJoiner(", ", "json_build_object(", ")");
			for (String column : columns.subList(from, Math.min(from + PAIRS_PER_JSON_BUILD_OBJECT, columns.size()))) {
				pairs.add(SqlIdentifiers.literal(column) + ", " + row + "." + SqlIdentifiers.quote(column));
			}
			objects.add(pairs.toString());
		}
		if (objects.size() == 1) {
			return objects.get(0);
		}
		// {"a" : 1} and {"b" : 2} become {"a" : 1, "b" : 2}: drop the inner braces
		StringJoiner merged = new StringJoiner(" || ', ' || ");
		for (int i = 0; i < objects.size(); i++) {
			String text = objects.get(i) + "::text";
			if (i > 0) {
				text = "substr(" + text + ", 2)";
			}
			if (i < objects.size() - 1) {
				text = "left(" + text + ", -1)";
			}
			merged.add(text);
		}
		return merged.toString();
	}

	private String trigger(String command, TriggerDefinition definition) {
		validate(definition);
		StringJoiner events = new StringJoiner(" OR ");
		for (PigeonAction event : EnumSet.copyOf(definition.events())) {
			if (event == PigeonAction.UPDATE && !definition.updateOf().isEmpty()) {
				StringJoiner columns = new StringJoiner(", ", "UPDATE OF ", "");
				definition.updateOf().forEach((column) -> columns.add(SqlIdentifiers.quote(column)));
				events.add(columns.toString());
			}
			else {
				events.add(event.name());
			}
		}
		StringBuilder sql = new StringBuilder(command).append(SqlIdentifiers.quote(definition.name())).append('\n');
		sql.append(timing(definition.timing())).append(' ').append(events).append(" ON ");
		sql.append(qualified(definition.schema(), definition.table())).append('\n');
		if (countsRows(definition)) {
			String transition = (definition.events().get(0) == PigeonAction.DELETE) ? "OLD" : "NEW";
			sql.append("REFERENCING ").append(transition).append(" TABLE AS ")
				.append(SqlIdentifiers.quote(TRANSITION_TABLE))
				.append('\n');
		}
		sql.append("FOR EACH ").append(definition.level().name()).append('\n');
		sql.append("EXECUTE FUNCTION ").append(qualified(definition.schema(), definition.function())).append("()");
		return sql.toString();
	}

	private static String timing(TriggerTiming timing) {
		return switch (timing) {
			case BEFORE -> "BEFORE";
			case AFTER -> "AFTER";
			case INSTEAD_OF -> "INSTEAD OF";
		};
	}

	private static void validate(TriggerDefinition definition) {
		String trigger = "Trigger '" + definition.name() + "' on '" + definition.schema() + "." + definition.table()
				+ "'";
		if (definition.events().isEmpty()) {
			throw new IllegalArgumentException(trigger + " has no events; give at least one of INSERT, UPDATE, "
					+ "DELETE or TRUNCATE");
		}
		requireDistinct(definition.events(), trigger, "events");
		requireDistinct(definition.columns(), trigger, "columns");
		requireDistinct(definition.updateOf(), trigger, "update-of columns");
		if (definition.channel().isEmpty()) {
			throw new IllegalArgumentException(trigger + " has an empty channel name");
		}
		if (definition.level() == TriggerLevel.ROW && definition.events().contains(PigeonAction.TRUNCATE)) {
			throw new IllegalArgumentException(trigger + " fires on TRUNCATE at row level; TRUNCATE triggers "
					+ "must be statement level");
		}
		if (definition.timing() == TriggerTiming.INSTEAD_OF && definition.level() != TriggerLevel.ROW) {
			throw new IllegalArgumentException(trigger + " is INSTEAD OF at statement level; INSTEAD OF "
					+ "triggers must be row level");
		}
		if (!definition.updateOf().isEmpty()) {
			if (!definition.events().contains(PigeonAction.UPDATE)) {
				throw new IllegalArgumentException(trigger + " has update-of columns but does not fire on UPDATE");
			}
			if (definition.timing() == TriggerTiming.INSTEAD_OF) {
				throw new IllegalArgumentException(trigger + " is INSTEAD OF with update-of columns; INSTEAD OF "
						+ "triggers cannot have column lists");
			}
		}
		if (definition.level() == TriggerLevel.STATEMENT) {
			if (!definition.columns().isEmpty()) {
				throw new IllegalArgumentException(trigger + " is statement level but selects columns; "
						+ "statement payloads carry no row data");
			}
			if (definition.includeOld()) {
				throw new IllegalArgumentException(trigger + " is statement level but includes old rows; "
						+ "statement payloads carry no row data");
			}
		}
		else if (definition.includeOld() && !definition.events().contains(PigeonAction.UPDATE)) {
			throw new IllegalArgumentException(trigger + " includes old rows but does not fire on UPDATE");
		}
		List.of(definition.schema(), definition.table(), definition.name(), definition.function())
			.forEach(SqlIdentifiers::quote);
		definition.columns().forEach(SqlIdentifiers::quote);
		definition.updateOf().forEach(SqlIdentifiers::quote);
		SqlIdentifiers.literal(definition.channel());
	}

	private static void requireDistinct(List<?> values, String trigger, String what) {
		Set<Object> seen = new HashSet<>();
		for (Object value : values) {
			if (!seen.add(value)) {
				throw new IllegalArgumentException(trigger + " lists " + what + " '" + value + "' more than once");
			}
		}
	}

	private static String qualified(String schema, String name) {
		return SqlIdentifiers.quote(schema) + "." + SqlIdentifiers.quote(name);
	}

	/**
	 * A dollar-quoting tag that does not occur in the body, which may contain any name.
	 */
	private static String dollarQuoteTag(String body) {
		String tag = "$pigeon$";
		for (int i = 1; body.contains(tag); i++) {
			tag = "$pigeon" + i + "$";
		}
		return tag;
	}

	/**
	 * The payload for one kind of row event: {@code data}, and {@code old} with include-old.
	 */
	private record PayloadArm(@Nullable String condition, String data, @Nullable String old) {

		void appendTo(StringBuilder body, String indent) {
			body.append(indent).append("payload := head || ',\"data\":' || ").append(this.data);
			if (this.old != null) {
				body.append('\n').append(indent).append("\t|| ',\"old\":' || ").append(this.old);
			}
			body.append(" || '}';\n");
		}

	}

}
