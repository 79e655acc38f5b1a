package io.pigeon.internal.sql;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.UnaryOperator;

import io.pigeon.PigeonAction;
import io.pigeon.TriggerLevel;
import io.pigeon.TriggerTiming;
import io.pigeon.internal.payload.PayloadContract;
import org.jspecify.annotations.Nullable;

/**
 * Generates the SQL of Pigeon's trigger functions, triggers and own objects from
 * {@link TriggerDefinition}s. Every name is quoted with {@link SqlIdentifiers} and every value
 * written as a literal, so configuration values are never read as SQL.
 * <p>
 * A trigger function composes two steps: {@link PayloadBuilder} builds the payload by the
 * {@link PayloadContract} (see the README's "Payload format"), and a {@link PayloadSink} hands
 * it on ({@link NotifySink} by default).
 * <p>
 * The generator refuses, with {@link IllegalArgumentException}, a definition that breaks the
 * {@link TriggerRules} or whose names PostgreSQL could not take literally; the rules that need
 * the catalog (what kind of relation the table is, which columns it has) are for the caller
 * to check first, with {@link TriggerRules#check(TriggerDefinition, TriggerTarget)}.
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
	 * The transition table of the new rows of a set-based durable trigger
	 * ({@link #setBased(TriggerDefinition, TriggerTarget.Kind)}).
	 */
	static final String NEW_ROWS = "pigeon_new";

	/**
	 * The transition table of the old rows of a set-based durable trigger.
	 */
	static final String OLD_ROWS = "pigeon_old";

	/**
	 * The variable of a set-based durable function holding the statement's context, the
	 * continuation of each payload.
	 */
	private static final String CONTEXT_VARIABLE = "pigeon_context";

	/**
	 * Bytes of a statement payload with rows kept for its part number, number of parts and
	 * the brackets around the rows, beside its head and context.
	 */
	private static final int PART_HEAD_RESERVE = 64;

	private final String pigeonSchema;

	private final PayloadSink sink;

	private final DurableSink durableSink;

	/**
	 * Create a generator whose functions notify, using Pigeon's own objects in the given schema
	 * for payloads too large to notify, and whose durable functions send the wake-up NOTIFY.
	 * @param pigeonSchema the schema of Pigeon's overflow table ({@code pigeon.install.schema})
	 */
	public TriggerSqlGenerator(String pigeonSchema) {
		this(pigeonSchema, true);
	}

	/**
	 * Create a generator whose notify functions use Pigeon's own objects in the given schema
	 * for payloads too large to notify, and whose durable functions write to the log there.
	 * @param pigeonSchema the schema of Pigeon's own objects ({@code pigeon.install.schema})
	 * @param durableWakeUp whether durable functions also send the wake-up NOTIFY
	 * ({@code pigeon.durable.wake-up=notify})
	 */
	public TriggerSqlGenerator(String pigeonSchema, boolean durableWakeUp) {
		this(pigeonSchema, new NotifySink(pigeonSchema), new DurableSink(pigeonSchema, durableWakeUp));
	}

	/**
	 * Create a generator whose notify functions hand their payloads to the given sink.
	 * @param pigeonSchema the schema of Pigeon's own objects ({@code pigeon.install.schema})
	 * @param sink what the functions do with the payloads they build
	 */
	public TriggerSqlGenerator(String pigeonSchema, PayloadSink sink) {
		this(pigeonSchema, sink, new DurableSink(pigeonSchema, true));
	}

	private TriggerSqlGenerator(String pigeonSchema, PayloadSink sink, DurableSink durableSink) {
		SqlIdentifiers.quote(pigeonSchema);
		this.pigeonSchema = pigeonSchema;
		this.sink = sink;
		this.durableSink = durableSink;
	}

	/**
	 * Return the idempotent DDL of the objects in the Pigeon schema that trigger functions use:
	 * the overflow table, an index for the listener's clean-up by age, its {@code first_seen}
	 * column (stamped by the clean-up on the rows it finds committed: retention counts from there,
	 * not from the write) with its index, and the
	 * {@code SECURITY DEFINER} function that stores an overflowing payload with the channel it
	 * is notified on. That function lets every writing role store a payload without being
	 * granted anything on the table (the table stays unreadable to them, payloads hold row
	 * data) and takes only text, so no code of the writer's runs with its owner's rights. Since
	 * every role can call it, it accepts only what a trigger function stores: called from a
	 * trigger, a payload too large to notify that is a JSON object with an action, a
	 * schema, a table and a seq, and whose txid is the caller's own transaction. An installation
	 * of an earlier version is upgraded in place: the table gains its channel column and the
	 * one-argument function is dropped (its rows, without a channel, are never delivered). Writing
	 * roles still need USAGE on the Pigeon schema (every role has it on {@code public}).
	 * @return the statements, separated by semicolons
	 */
	public String createSupportObjects() {
		String table = qualified(this.pigeonSchema, OVERFLOW_TABLE);
		String store = qualified(this.pigeonSchema, OVERFLOW_STORE_FUNCTION);
		String body = """

				DECLARE
					change jsonb;
					stored bigint;
				BEGIN
					IF pg_trigger_depth() < 1 THEN
						RAISE EXCEPTION 'pigeon_overflow_store is called by Pigeon trigger functions only';
					END IF;
					IF $1 IS NULL OR $2 IS NULL OR octet_length($2) < %1$d THEN
						RAISE EXCEPTION 'pigeon_overflow_store takes a channel and a payload too large to notify';
					END IF;
					change := $2::jsonb;
					IF jsonb_typeof(change) IS DISTINCT FROM 'object'
							OR (change ->> %2$s) NOT IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')
							OR jsonb_typeof(change -> %3$s) IS DISTINCT FROM 'string'
							OR jsonb_typeof(change -> %4$s) IS DISTINCT FROM 'string'
							OR jsonb_typeof(change -> %5$s) IS DISTINCT FROM 'number'
							OR (change ->> %6$s) IS DISTINCT FROM txid_current()::text THEN
						RAISE EXCEPTION 'pigeon_overflow_store takes only a change of the calling transaction';
					END IF;
					INSERT INTO %7$s (channel, payload) VALUES ($1, $2) RETURNING id INTO stored;
					RETURN stored;
				END
				""".formatted(PayloadContract.NOTIFY_PAYLOAD_LIMIT, SqlIdentifiers.literal(PayloadContract.ACTION),
				SqlIdentifiers.literal(PayloadContract.SCHEMA), SqlIdentifiers.literal(PayloadContract.TABLE),
				SqlIdentifiers.literal(PayloadContract.SEQ), SqlIdentifiers.literal(PayloadContract.TXID), table);
		String tag = dollarQuoteTag(body);
		return """
				CREATE TABLE IF NOT EXISTS %1$s (
					id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
					payload text NOT NULL,
					created_at timestamptz NOT NULL DEFAULT clock_timestamp()
				);
				ALTER TABLE %1$s ADD COLUMN IF NOT EXISTS channel text;
				CREATE INDEX IF NOT EXISTS %2$s ON %1$s (created_at);
				ALTER TABLE %1$s ADD COLUMN IF NOT EXISTS first_seen timestamptz;
				CREATE INDEX IF NOT EXISTS %7$s ON %1$s (first_seen);
				DROP FUNCTION IF EXISTS %3$s(text);
				CREATE OR REPLACE FUNCTION %3$s(text, text)
				RETURNS bigint
				LANGUAGE plpgsql
				SECURITY DEFINER
				%4$sAS %5$s%6$s%5$s;
				GRANT EXECUTE ON FUNCTION %3$s(text, text) TO PUBLIC;
				""".formatted(table, SqlIdentifiers.quote(OVERFLOW_TABLE + "_created_at_idx"), store,
				FUNCTION_SETTINGS, tag, body, SqlIdentifiers.quote(OVERFLOW_TABLE + "_first_seen_idx"));
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
		return createFunction(definition, null);
	}

	/**
	 * Return {@code CREATE FUNCTION} for the definition's trigger function on a relation of a
	 * kind (which decides the form of a durable trigger,
	 * {@link #setBased(TriggerDefinition, TriggerTarget.Kind)}); a durable function is followed
	 * by the {@code REVOKE} of {@code EXECUTE} from {@code PUBLIC}.
	 * @param definition the trigger
	 * @param kind the relation's kind, {@code null} for an ordinary table
	 * @return the statements
	 * @throws IllegalArgumentException if no PostgreSQL could accept the definition
	 */
	public String createFunction(TriggerDefinition definition, TriggerTarget.@Nullable Kind kind) {
		return function("CREATE FUNCTION ", definition, kind);
	}

	/**
	 * Return {@code CREATE OR REPLACE FUNCTION} for the definition's trigger function: replacing
	 * the body keeps the function's identity, so the trigger that calls it stays in place.
	 * @param definition the trigger
	 * @return the statement
	 * @throws IllegalArgumentException if no PostgreSQL could accept the definition
	 */
	public String createOrReplaceFunction(TriggerDefinition definition) {
		return createOrReplaceFunction(definition, null);
	}

	/**
	 * Return {@code CREATE OR REPLACE FUNCTION} for the definition's trigger function on a
	 * relation of a kind, as {@link #createFunction(TriggerDefinition, TriggerTarget.Kind)}.
	 * @param definition the trigger
	 * @param kind the relation's kind, {@code null} for an ordinary table
	 * @return the statements
	 * @throws IllegalArgumentException if no PostgreSQL could accept the definition
	 */
	public String createOrReplaceFunction(TriggerDefinition definition, TriggerTarget.@Nullable Kind kind) {
		return function("CREATE OR REPLACE FUNCTION ", definition, kind);
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
		return createTrigger(definition, null);
	}

	/**
	 * Return {@code CREATE TRIGGER} for each of the definition's PostgreSQL triggers
	 * ({@link #triggerNames(TriggerDefinition, TriggerTarget.Kind)}) on a relation of a kind.
	 * @param definition the trigger
	 * @param kind the relation's kind, {@code null} for an ordinary table
	 * @return the statements, separated by semicolons
	 * @throws IllegalArgumentException if no PostgreSQL could accept the definition
	 */
	public String createTrigger(TriggerDefinition definition, TriggerTarget.@Nullable Kind kind) {
		return trigger("CREATE TRIGGER ", definition, kind);
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
		return createOrReplaceTrigger(definition, null);
	}

	/**
	 * Return {@code CREATE OR REPLACE TRIGGER} for each of the definition's PostgreSQL
	 * triggers on a relation of a kind.
	 * @param definition the trigger
	 * @param kind the relation's kind, {@code null} for an ordinary table
	 * @return the statements, separated by semicolons
	 * @throws IllegalArgumentException if no PostgreSQL could accept the definition
	 */
	public String createOrReplaceTrigger(TriggerDefinition definition, TriggerTarget.@Nullable Kind kind) {
		return trigger("CREATE OR REPLACE TRIGGER ", definition, kind);
	}

	/**
	 * Return whether a durable trigger is installed set-based: an AFTER row-level durable
	 * trigger without {@code update-of} on an ordinary table becomes one statement-level
	 * trigger per event with transition tables, whose function appends all of a statement's
	 * rows with one {@code INSERT ... SELECT} (one call per statement instead of one per row).
	 * PostgreSQL allows transition tables only on single-event triggers without a column list,
	 * hence one trigger per event and the row-level form with {@code update-of}. A partitioned
	 * table keeps the row-level form: PostgreSQL gives only row-level triggers to its
	 * partitions, and a statement-level trigger would miss statements naming a partition; so
	 * does a partition (the caller passes it as a partitioned table), whose statement-level
	 * triggers miss rows routed to it through its partitioned table.
	 * @param definition the trigger
	 * @param kind the relation's kind, {@code null} for an ordinary table
	 * @return whether the trigger is set-based
	 */
	public static boolean setBased(TriggerDefinition definition, TriggerTarget.@Nullable Kind kind) {
		return definition.durable() && definition.level() == TriggerLevel.ROW
				&& definition.timing() == TriggerTiming.AFTER && definition.updateOf().isEmpty()
				&& (kind == null || kind == TriggerTarget.Kind.TABLE) && !definition.events().isEmpty();
	}

	/**
	 * Return the statements that let PostgreSQL plan a {@link #setBased set-based} trigger's
	 * filter ({@code condition}, {@code changed-only}, {@code ignore-columns}) as its function
	 * runs it: with the function's {@code search_path}, over rows of the table's type named
	 * {@code new} and {@code old}, one {@code EXPLAIN} per event. They read no row and need no
	 * privilege on the table; they are for a transaction that is rolled back (the first one
	 * sets {@code search_path} locally).
	 * @param definition the trigger
	 * @return the statements, none when the trigger does not filter
	 * @throws IllegalArgumentException if no PostgreSQL could accept the definition
	 */
	public List<String> filterChecks(TriggerDefinition definition) {
		validate(definition);
		if (!definition.options().filters()) {
			return List.of();
		}
		List<String> checks = new ArrayList<>();
		checks.add("SET LOCAL search_path = pg_catalog, pg_temp");
		String row = "(SELECT (NULL::" + qualified(definition.schema(), definition.table()) + ").*) AS ";
		for (PigeonAction event : EnumSet.copyOf(definition.events())) {
			String from;
			@Nullable String filter;
			if (pairs(definition, event)) {
				String type = qualified(definition.schema(), definition.table());
				from = "(SELECT NULL::" + type + " AS pigeon_row) pigeon_new CROSS JOIN (SELECT NULL::" + type
						+ " AS pigeon_row) pigeon_old\nCROSS JOIN LATERAL (SELECT (pigeon_new.pigeon_row).*) AS \"new\"\n"
						+ "CROSS JOIN LATERAL (SELECT (pigeon_old.pigeon_row).*) AS \"old\"";
				filter = TriggerFilter.rowFilter(definition, "old", "new", "pigeon_old.pigeon_row",
						"pigeon_new.pigeon_row");
			}
			else {
				from = row + SqlIdentifiers.quote((event == PigeonAction.DELETE) ? "old" : "new");
				filter = TriggerFilter.rowFilter(definition, "old", "new", "old.*", "new.*");
			}
			checks.add("EXPLAIN (COSTS OFF) SELECT FROM " + from + "\nWHERE " + filter);
		}
		return checks;
	}

	/**
	 * Return the names of the PostgreSQL triggers that make up one Pigeon trigger: its name,
	 * and for a {@link #setBased set-based} trigger on several events one more per further
	 * event, {@code <name>_update} and {@code <name>_delete} (the first event, in the order
	 * insert, update, delete, keeps the name). The installer treats them as one trigger.
	 * @param definition the trigger
	 * @param kind the relation's kind, {@code null} for an ordinary table
	 * @return the names, the trigger's own first
	 */
	public static List<String> triggerNames(TriggerDefinition definition, TriggerTarget.@Nullable Kind kind) {
		List<String> names = new ArrayList<>();
		names.add(definition.name());
		if (setBased(definition, kind)) {
			List<PigeonAction> events = List.copyOf(EnumSet.copyOf(definition.events()));
			for (PigeonAction event : events.subList(1, events.size())) {
				names.add(companionName(definition.name(), event));
			}
		}
		return names;
	}

	/**
	 * Return the name of the PostgreSQL trigger of one further event of a set-based trigger.
	 * @param name the Pigeon trigger's name
	 * @param event the event
	 * @return the name, e.g. {@code orders_log_update}
	 */
	public static String companionName(String name, PigeonAction event) {
		return name + "_" + event.name().toLowerCase(Locale.ROOT);
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
	 * Return whether the definition's statement-level payloads carry
	 * {@link PayloadContract#COUNT} ({@link PayloadContract#carriesCount}), which takes a
	 * transition table. PostgreSQL refuses transition tables on views and foreign tables, so
	 * such a trigger needs a table.
	 * @param definition the trigger
	 * @return whether the trigger counts the rows its statement touched
	 */
	public static boolean countsRows(TriggerDefinition definition) {
		List<PigeonAction> events = definition.events();
		return PayloadContract.carriesCount(definition.level() == TriggerLevel.ROW,
				definition.timing() == TriggerTiming.AFTER, (events.size() == 1) ? events.get(0) : null,
				!definition.updateOf().isEmpty());
	}

	private String function(String command, TriggerDefinition definition, TriggerTarget.@Nullable Kind kind) {
		validate(definition);
		String function = qualified(definition.schema(), definition.function());
		if (definition.durable()) {
			String body = setBased(definition, kind) ? durableSetBody(definition)
					: (definition.level() == TriggerLevel.ROW) ? durableRowBody(definition)
							: durableStatementBody(definition);
			String tag = dollarQuoteTag(body);
			// Owned by the installing role, it writes the log for writers that have no privilege
			// on it; PostgreSQL checks EXECUTE when a trigger is created, not when it fires, so
			// revoking it keeps other roles from attaching the function to tables of their own.
			return command + function + "()\n" + "RETURNS trigger\n" + "LANGUAGE plpgsql\n" + "SECURITY DEFINER\n"
					+ FUNCTION_SETTINGS + "AS " + tag + "\n" + body + tag + ";\n" + "REVOKE EXECUTE ON FUNCTION "
					+ function + "() FROM PUBLIC";
		}
		String body = (definition.level() == TriggerLevel.ROW) ? rowBody(definition) : statementBody(definition);
		String tag = dollarQuoteTag(body);
		return command + function + "()\n" + "RETURNS trigger\n" + "LANGUAGE plpgsql\n" + FUNCTION_SETTINGS + "AS "
				+ tag + "\n" + body + tag;
	}

	/**
	 * The row-level durable function ({@code update-of}, or a partitioned table): one event
	 * per row. The transaction's id is taken in {@code DECLARE} before the event's id.
	 */
	private String durableRowBody(TriggerDefinition definition) {
		Set<PigeonAction> events = EnumSet.copyOf(definition.events());
		StringBuilder body = new StringBuilder();
		body.append("DECLARE\n\t").append(PayloadBuilder.SEQ_DECLARATION).append("\n\t");
		body.append(DurableSink.transactionDeclaration()).append("\n\t");
		body.append(this.durableSink.eventIdDeclaration()).append("\n\thead text;\n\tpayload text;\n");
		body.append("BEGIN\n").append(PayloadBuilder.rowPayload(definition, DurableSink.EVENT_ID));
		body.append(this.durableSink.handOnRow(definition));
		body.append(rowReturn(definition.timing(), events));
		return body.append("END\n").toString();
	}

	/**
	 * The statement-level durable function: one event per statement. With {@code include-rows}
	 * that event carries every row of the statement: the log holds payloads of any size, so
	 * there are no parts.
	 */
	private String durableStatementBody(TriggerDefinition definition) {
		StringBuilder body = new StringBuilder();
		body.append("DECLARE\n\t").append(PayloadBuilder.SEQ_DECLARATION).append("\n\t");
		body.append(DurableSink.transactionDeclaration()).append("\n\t");
		body.append(this.durableSink.eventIdDeclaration()).append("\nBEGIN\n");
		String payload = definition.options().includeRows()
				? PayloadBuilder.statementRowsPayload(definition, DurableSink.EVENT_ID)
				: PayloadBuilder.statementPayload(definition, DurableSink.EVENT_ID);
		body.append(this.durableSink.handOnStatement(definition, payload));
		body.append("\tRETURN NULL;\n");
		return body.append("END\n").toString();
	}

	/**
	 * The set-based durable function, called once per statement by each of the definition's
	 * statement-level triggers: one {@code INSERT ... SELECT} of every row of the statement's
	 * transition table, {@code seq} counting on from the transaction's counter by the row's
	 * number, which is then advanced by the number of rows written. An UPDATE's old and new
	 * rows are paired by their position: PostgreSQL fills both transition tables row by row,
	 * in the same order. A statement that touched no row writes nothing and wakes no one.
	 * <p>
	 * PostgreSQL allows a statement-level trigger no column in its {@code WHEN} clause, so
	 * {@code condition}, {@code changed-only} and {@code ignore-columns} are the
	 * {@code WHERE} clause of the {@code SELECT}, whose rows are named {@code new} and
	 * {@code old} as in a row trigger's {@code WHEN} clause, so the user's {@code NEW.x} reads
	 * the transition row's column. PL/pgSQL declares {@code NEW} and {@code OLD} as variables
	 * of every trigger function: {@code #variable_conflict use_column} makes those names mean
	 * the rows of the query. The context is read once per statement, before the rows.
	 */
	private String durableSetBody(TriggerDefinition definition) {
		List<PigeonAction> events = List.copyOf(EnumSet.copyOf(definition.events()));
		StringBuilder body = new StringBuilder();
		if (namesRows(definition)) {
			body.append("#variable_conflict use_column\n");
		}
		body.append("DECLARE\n\t").append(DurableSink.transactionDeclaration()).append("\n");
		body.append("\tseq bigint := coalesce(nullif(current_setting('pigeon.seq', true), ''), '0')::bigint;\n");
		body.append("\twritten bigint;\n");
		String context = PayloadBuilder.contextMember(definition);
		if (!context.isEmpty()) {
			body.append("\t").append(CONTEXT_VARIABLE).append(" text := ").append(context.substring(4))
				.append(";\n");
		}
		body.append("BEGIN\n");
		if (events.size() == 1) {
			body.append(setInsert(definition, events.get(0), "\t"));
		}
		else {
			for (int i = 0; i < events.size(); i++) {
				PigeonAction event = events.get(i);
				if (i == 0) {
					body.append("\tIF TG_OP = ").append(SqlIdentifiers.literal(event.name())).append(" THEN\n");
				}
				else if (i < events.size() - 1) {
					body.append("\tELSIF TG_OP = ").append(SqlIdentifiers.literal(event.name())).append(" THEN\n");
				}
				else {
					body.append("\tELSE\n");
				}
				body.append(setInsert(definition, event, "\t\t"));
			}
			body.append("\tEND IF;\n");
		}
		body.append("\tGET DIAGNOSTICS written = ROW_COUNT;\n");
		body.append("\tIF written > 0 THEN\n");
		body.append("\t\tPERFORM set_config('pigeon.seq', (seq + written)::text, true);\n");
		body.append(this.durableSink.wakeUp(definition, "\t\t"));
		body.append("\tEND IF;\n");
		body.append("\tRETURN NULL;\n");
		return body.append("END\n").toString();
	}

	/**
	 * Whether a set-based function reads its rows under the names {@code new} and {@code old}
	 * (to filter them, or to list their changed columns), rather than as {@code r}.
	 */
	private static boolean namesRows(TriggerDefinition definition) {
		return definition.options().filters() || definition.options().includeChanged();
	}

	/**
	 * Whether a set-based function pairs an UPDATE's old and new rows: to log the old row, to
	 * list the changed columns or to filter (the condition may read either row).
	 */
	private static boolean pairs(TriggerDefinition definition, PigeonAction event) {
		return event == PigeonAction.UPDATE && (PayloadContract.carriesOld(true, event, definition.includeOld())
				|| PayloadContract.carriesChanged(true, event, definition.options().includeChanged())
				|| definition.options().filters());
	}

	/**
	 * The {@code INSERT ... SELECT} of one event's rows. The rows are read in a subquery whose
	 * columns have Pigeon's names, so that no column of the user's table can be mistaken for a
	 * variable; the transition table's row is always qualified ({@code r.*}, {@code r."col"},
	 * or {@code new} and {@code old} for a trigger that filters). The rows are numbered after
	 * the filter, so that the events' seqs follow each other.
	 */
	private String setInsert(TriggerDefinition definition, PigeonAction event, String indent) {
		List<String> columns = definition.columns();
		boolean old = PayloadContract.carriesOld(true, event, definition.includeOld());
		boolean changed = PayloadContract.carriesChanged(true, event, definition.options().includeChanged());
		String head = PayloadBuilder.head(definition, "(seq + e.pigeon_n)", "e.pigeon_id");
		String payload = head + " || " + PayloadBuilder.nextKey(PayloadContract.DATA) + " || e.pigeon_data"
				+ (old ? " || " + PayloadBuilder.nextKey(PayloadContract.OLD) + " || e.pigeon_old" : "")
				+ (changed ? " || " + PayloadBuilder.nextKey(PayloadContract.CHANGED) + " || e.pigeon_changed" : "")
				+ (definition.options().context().isEmpty() ? "" : " || " + CONTEXT_VARIABLE) + " || '}'";
		String filter = pairs(definition, event)
				? TriggerFilter.rowFilter(definition, "old", "new", "pigeon_old.pigeon_row", "pigeon_new.pigeon_row")
				: TriggerFilter.rowFilter(definition, "old", "new", "old.*", "new.*");
		String where = (filter != null) ? "\n" + indent + "\tWHERE " + filter.replace("\n", "\n" + indent + "\t") : "";
		String rows;
		List<String> key = definition.options().laneKey();
		if (pairs(definition, event) && namesRows(definition)) {
			// whole rows as pigeon_new.pigeon_row: "new" alone would mean a column of that name
			rows = "(SELECT " + this.durableSink.nextId() + " AS pigeon_id, row_number() OVER (ORDER BY pigeon_new.pigeon_n)"
					+ " AS pigeon_n, " + (columns.isEmpty() ? "to_json(pigeon_new.pigeon_row)" : rowJson("new", columns))
					+ " AS pigeon_data"
					+ (old ? ", " + (columns.isEmpty() ? "to_json(pigeon_old.pigeon_row)" : rowJson("old", columns))
							+ " AS pigeon_old" : "")
					+ (changed ? ", " + TriggerFilter.changedColumns(definition, "pigeon_old.pigeon_row",
							"pigeon_new.pigeon_row") + " AS pigeon_changed" : "")
					// the key of an UPDATE is its new row's
					+ (key.isEmpty() ? "" : ", " + DurableSink.laneKey("new", key) + " AS pigeon_lane_key")
					+ "\n" + indent + "\tFROM " + numberedRows(NEW_ROWS) + " pigeon_new\n" + indent + "\tJOIN "
					+ numberedRows(OLD_ROWS) + " pigeon_old USING (pigeon_n)\n" + indent
					+ "\tCROSS JOIN LATERAL (SELECT (pigeon_new.pigeon_row).*) AS \"new\"\n" + indent
					+ "\tCROSS JOIN LATERAL (SELECT (pigeon_old.pigeon_row).*) AS \"old\"" + where + "\n" + indent
					+ "\tORDER BY pigeon_new.pigeon_n) e";
		}
		else if (old) {
			String keyColumn = key.isEmpty() ? "" : ", " + DurableSink.laneKey("r", key) + " AS pigeon_lane_key";
			rows = "(SELECT " + this.durableSink.nextId() + " AS pigeon_id, n.pigeon_n, n.pigeon_data, o.pigeon_data AS pigeon_old"
					+ (key.isEmpty() ? "" : ", n.pigeon_lane_key") + "\n"
					+ indent + "\tFROM " + numbered(NEW_ROWS, columns, keyColumn) + " n\n" + indent + "\tJOIN "
					+ numbered(OLD_ROWS, columns, "") + " o USING (pigeon_n)\n" + indent + "\tORDER BY n.pigeon_n) e";
		}
		else {
			String table = (event == PigeonAction.DELETE) ? OLD_ROWS : NEW_ROWS;
			String alias = !namesRows(definition) ? "r" : (event == PigeonAction.DELETE) ? "old" : "new";
			String keyColumn = key.isEmpty() ? "" : ", " + DurableSink.laneKey(alias, key) + " AS pigeon_lane_key";
			rows = "(SELECT " + this.durableSink.nextId() + " AS pigeon_id, row_number() OVER () AS pigeon_n, "
					+ rowJson(alias, columns) + " AS pigeon_data" + keyColumn + " FROM " + SqlIdentifiers.quote(table)
					+ (alias.equals("r") ? " r" : " AS " + SqlIdentifiers.quote(alias)) + where + ") e";
		}
		return this.durableSink.insertSelect(definition, indent, "e.pigeon_id", payload,
				key.isEmpty() ? null : "e.pigeon_lane_key", rows);
	}

	private static String numbered(String table, List<String> columns, String keyColumn) {
		return "(SELECT row_number() OVER () AS pigeon_n, " + rowJson("r", columns) + " AS pigeon_data" + keyColumn
				+ " FROM " + SqlIdentifiers.quote(table) + " r)";
	}

	/**
	 * A transition table's rows, whole, with their position.
	 */
	private static String numberedRows(String table) {
		return "(SELECT row_number() OVER () AS pigeon_n, r AS pigeon_row FROM " + SqlIdentifiers.quote(table) + " r)";
	}

	private static String rowJson(String alias, List<String> columns) {
		return columns.isEmpty() ? "to_json(" + alias + ".*)" : PayloadBuilder.jsonOf(alias, columns);
	}

	/**
	 * The row function. A user's write must never fail because of Pigeon, but the body has no
	 * EXCEPTION block: PL/pgSQL would start and end a subtransaction for every row, and each one
	 * that stored an overflow row would take a subtransaction id (past 64 in one transaction,
	 * every session's snapshots slow down). Instead the body avoids the failures it can foresee:
	 * <ul>
	 * <li>a payload of 8000 bytes or more, the one error {@code pg_notify} raises for its data,
	 * goes to the overflow table ({@link NotifySink});</li>
	 * <li>storing it needs no privilege on the table ({@link #createSupportObjects()});</li>
	 * <li>channel and names are checked before installation ({@link #validate}).</li>
	 * </ul>
	 * What it cannot prevent, and the README states: a transaction that notified cannot be
	 * prepared for two-phase commit; commits fail once the 8 GB notification queue is full,
	 * which happens only while a session that listens stops reading; and a hand-dropped overflow
	 * table or a session that sets {@code pigeon.seq} to a non-number breaks writes.
	 */
	private String rowBody(TriggerDefinition definition) {
		Set<PigeonAction> events = EnumSet.copyOf(definition.events());
		StringBuilder body = new StringBuilder();
		if (definition.timing() == TriggerTiming.INSTEAD_OF) {
			// No WHEN clause on INSTEAD OF: the function checks silencing itself, before it
			// takes a seq, and still returns the row so that the write counts as done.
			body.append("DECLARE\n\tseq bigint;\n\thead text;\n\tpayload text;\n");
			body.append("BEGIN\n\tIF NOT (").append(TriggerFilter.NOT_SILENCED).append(") THEN\n");
			body.append(rowReturn(definition.timing(), events).replace("\n\t", "\n\t\t").replaceFirst("^\t", "\t\t"));
			body.append("\tEND IF;\n\t").append(PayloadBuilder.SEQ_ASSIGNMENT).append('\n');
		}
		else {
			body.append("DECLARE\n\t").append(PayloadBuilder.SEQ_DECLARATION)
				.append("\n\thead text;\n\tpayload text;\n");
			body.append("BEGIN\n");
		}
		body.append(PayloadBuilder.rowPayload(definition)).append(this.sink.handOnRow(definition));
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

	private String statementBody(TriggerDefinition definition) {
		if (definition.options().includeRows()) {
			return statementRowsBody(definition);
		}
		StringBuilder body = new StringBuilder();
		if (!definition.options().context().isEmpty()) {
			// Custom settings can be of any length: such a payload can reach the limit, so it is
			// handed on as a row payload is, overflowing instead of failing the write.
			body.append("DECLARE\n\t").append(PayloadBuilder.SEQ_DECLARATION)
				.append("\n\thead text;\n\tpayload text;\nBEGIN\n");
			body.append("\thead := ").append(PayloadBuilder.statementHead(definition));
			body.append(";\n\tpayload := head").append(PayloadBuilder.contextMember(definition)).append(" || '}';\n");
			body.append(this.sink.handOnRow(definition));
			body.append("\tRETURN NULL;\n");
			return body.append("END\n").toString();
		}
		body.append("DECLARE\n\t").append(PayloadBuilder.SEQ_DECLARATION).append("\nBEGIN\n");
		body.append(this.sink.handOnStatement(definition, PayloadBuilder.statementPayload(definition)));
		body.append("\tRETURN NULL;\n");
		return body.append("END\n").toString();
	}

	/**
	 * The statement function with rows: the rows of the transition table, as JSON texts, are
	 * gathered into parts that each fit a notification with the head, then each part is handed
	 * on as a row payload is ({@link PayloadSink#handOnRow}), so that a part holding one row too
	 * large for a notification overflows instead of failing the write. Every part has the
	 * statement's seq, its number and the number of parts. Appending to an array variable is
	 * done in place by PL/pgSQL, so the rows are copied once into their part.
	 */
	private String statementRowsBody(TriggerDefinition definition) {
		String budget = (PayloadContract.NOTIFY_PAYLOAD_LIMIT - 1 - PART_HEAD_RESERVE)
				+ " - octet_length(base) - octet_length(tail)";
		StringBuilder body = new StringBuilder();
		body.append("DECLARE\n\t").append(PayloadBuilder.SEQ_DECLARATION).append('\n');
		body.append("""
					base text;
					tail text;
					head text;
					payload text;
					line text;
					lines text[] := '{}';
					size integer := 0;
					budget integer;
					parts text[] := '{}';
				BEGIN
				""");
		body.append("\tbase := ").append(PayloadBuilder.statementRowsHead(definition)).append(";\n");
		String context = PayloadBuilder.contextMember(definition);
		body.append("\ttail := ").append(context.isEmpty() ? "''" : context.substring(4)).append(" || '}';\n");
		body.append("\tbudget := ").append(budget).append(";\n");
		body.append("\tFOR line IN SELECT ").append(PayloadBuilder.rowJson(definition, "r")).append(" FROM ")
			.append(SqlIdentifiers.quote(PayloadBuilder.TRANSITION_TABLE)).append(" AS r LOOP\n");
		body.append("""
						IF size > 0 AND size + octet_length(line) + 1 > budget THEN
							parts := parts || array_to_string(lines, ',');
							lines := '{}';
							size := 0;
						END IF;
						lines := lines || line;
						size := size + octet_length(line) + 1;
					END LOOP;
					parts := parts || array_to_string(lines, ',');
					FOR part IN 1 .. cardinality(parts) LOOP
				""");
		body.append("\t\thead := base || ").append(PayloadBuilder.nextKey(PayloadContract.PART)).append(" || part || ")
			.append(PayloadBuilder.nextKey(PayloadContract.PARTS)).append(" || cardinality(parts);\n");
		body.append("\t\tpayload := head || ").append(PayloadBuilder.nextKey(PayloadContract.ROWS))
			.append(" || '[' || parts[part] || ']' || tail;\n");
		body.append(this.sink.handOnRow(definition).replaceAll("(?m)^\t", "\t\t"));
		body.append("\tEND LOOP;\n\tRETURN NULL;\n");
		return body.append("END\n").toString();
	}

	private String trigger(String command, TriggerDefinition definition, TriggerTarget.@Nullable Kind kind) {
		validate(definition);
		if (setBased(definition, kind)) {
			List<String> names = triggerNames(definition, kind);
			List<PigeonAction> events = List.copyOf(EnumSet.copyOf(definition.events()));
			StringJoiner statements = new StringJoiner(";\n");
			for (int i = 0; i < events.size(); i++) {
				PigeonAction event = events.get(i);
				StringBuilder sql = new StringBuilder(command).append(SqlIdentifiers.quote(names.get(i))).append('\n');
				sql.append("AFTER ").append(event.name()).append(" ON ")
					.append(qualified(definition.schema(), definition.table()))
					.append('\n');
				boolean old = event == PigeonAction.DELETE || pairs(definition, event);
				sql.append("REFERENCING ");
				if (old) {
					sql.append("OLD TABLE AS ").append(SqlIdentifiers.quote(OLD_ROWS));
				}
				if (event != PigeonAction.DELETE) {
					sql.append(old ? " " : "").append("NEW TABLE AS ").append(SqlIdentifiers.quote(NEW_ROWS));
				}
				sql.append("\nFOR EACH STATEMENT\n");
				sql.append("WHEN (").append(TriggerFilter.NOT_SILENCED).append(")\n");
				sql.append("EXECUTE FUNCTION ").append(qualified(definition.schema(), definition.function())).append("()");
				statements.add(sql);
			}
			return statements.toString();
		}
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
		String when = TriggerFilter.whenCondition(definition);
		if (countsRows(definition)) {
			String transition = (definition.events().get(0) == PigeonAction.DELETE) ? "OLD" : "NEW";
			sql.append("REFERENCING ").append(transition).append(" TABLE AS ")
				.append(SqlIdentifiers.quote(PayloadBuilder.TRANSITION_TABLE))
				.append('\n');
		}
		sql.append("FOR EACH ").append(definition.level().name()).append('\n');
		if (when != null) {
			sql.append("WHEN (").append(when).append(")\n");
		}
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

	/**
	 * Refuse what PostgreSQL would refuse, or not take literally, on the first problem.
	 */
	private static void validate(TriggerDefinition definition) {
		String trigger = "Trigger '" + definition.name() + "' on '" + definition.schema() + "." + definition.table()
				+ "'";
		List<TriggerViolation> violations = TriggerRules.check(definition, null);
		if (!violations.isEmpty()) {
			TriggerViolation violation = violations.get(0);
			throw new IllegalArgumentException(trigger + ": " + violation.location() + ": " + violation.problem()
					+ ". " + violation.fix(UnaryOperator.identity()));
		}
		SqlIdentifiers.NameProblem channel = SqlIdentifiers.check(definition.channel());
		if (channel != null) {
			throw new IllegalArgumentException(trigger + ": channel: " + channel.describe("channel", definition.channel())
					+ ". " + channel.fix());
		}
		List.of(definition.schema(), definition.table(), definition.name(), definition.function())
			.forEach(SqlIdentifiers::quote);
	}

	private static String qualified(String schema, String name) {
		return SqlIdentifiers.qualified(schema, name);
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

}
