package io.pigeon.internal.sql;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;

import io.pigeon.PigeonAction;
import io.pigeon.internal.payload.JsonStrings;
import io.pigeon.internal.payload.PayloadContract;
import org.jspecify.annotations.Nullable;

/**
 * Builds the change payload in PL/pgSQL, with the {@link PayloadContract}'s keys and by its
 * rules of what appears when: the first half of every trigger function, shared by every
 * {@link PayloadSink}.
 */
final class PayloadBuilder {

	/**
	 * The transition table of a trigger whose statement payloads carry
	 * {@link PayloadContract#COUNT}.
	 */
	static final String TRANSITION_TABLE = "pigeon_rows";

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
	static final String SEQ_DECLARATION = "seq bigint := set_config('pigeon.seq', "
			+ "(coalesce(nullif(current_setting('pigeon.seq', true), ''), '0')::bigint + 1)::text, true);";

	/**
	 * The next {@code seq}, as {@link #SEQ_DECLARATION} assigns it, for a function that first
	 * checks whether it is silenced (an INSTEAD OF function, which has no WHEN clause).
	 */
	static final String SEQ_ASSIGNMENT = "seq := set_config('pigeon.seq', "
			+ "(coalesce(nullif(current_setting('pigeon.seq', true), ''), '0')::bigint + 1)::text, true);";

	/**
	 * {@code json_build_object} takes at most 100 arguments (PostgreSQL's
	 * {@code FUNC_MAX_ARGS}), that is 50 key/value pairs.
	 */
	private static final int PAIRS_PER_JSON_BUILD_OBJECT = 50;

	/**
	 * Microseconds since the Unix epoch of the moment the trigger runs (not the transaction's
	 * start), for the listener's lag metric.
	 */
	private static final String TS_EXPRESSION = "(extract(epoch FROM clock_timestamp()) * 1000000)::bigint";

	private PayloadBuilder() {
	}

	/**
	 * Return the statements that set the variables {@code head} (the payload without its row
	 * data and closing brace) and {@code payload} (the whole payload) of a row trigger, each
	 * line indented with one tab.
	 */
	static String rowPayload(TriggerDefinition definition) {
		return rowPayload(definition, null);
	}

	/**
	 * Return the statements of {@link #rowPayload(TriggerDefinition)}, with
	 * {@link PayloadContract#ID} after {@code ts} when an id is given (durable payloads).
	 * @param id an expression of the event's id, or {@code null} for none
	 */
	static String rowPayload(TriggerDefinition definition, @Nullable String id) {
		Set<PigeonAction> events = EnumSet.copyOf(definition.events());
		List<String> columns = definition.columns();
		boolean oldOnUpdate = events.contains(PigeonAction.UPDATE)
				&& PayloadContract.carriesOld(true, PigeonAction.UPDATE, definition.includeOld());
		boolean changedOnUpdate = events.contains(PigeonAction.UPDATE)
				&& PayloadContract.carriesChanged(true, PigeonAction.UPDATE, definition.options().includeChanged());
		String tail = contextMember(definition);
		List<PayloadArm> arms = new ArrayList<>();
		if (events.contains(PigeonAction.DELETE)) {
			arms.add(new PayloadArm("TG_OP = 'DELETE'", jsonOf("OLD", columns), null, null, tail));
		}
		if (oldOnUpdate || changedOnUpdate) {
			arms.add(new PayloadArm("TG_OP = 'UPDATE'", jsonOf("NEW", columns), oldOnUpdate ? jsonOf("OLD", columns) : null,
					changedOnUpdate ? TriggerFilter.changedColumns(definition, "OLD", "NEW") : null, tail));
		}
		if (events.contains(PigeonAction.INSERT)
				|| (events.contains(PigeonAction.UPDATE) && !oldOnUpdate && !changedOnUpdate)) {
			arms.add(new PayloadArm(null, jsonOf("NEW", columns), null, null, tail));
		}
		StringBuilder body = new StringBuilder();
		body.append("\thead := ").append(head(definition, "seq", id)).append(";\n");
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
		return body.toString();
	}

	/**
	 * Return an expression of a statement trigger's whole payload, with
	 * {@link PayloadContract#COUNT} from {@link #TRANSITION_TABLE} where the trigger has one.
	 */
	static String statementPayload(TriggerDefinition definition) {
		return statementPayload(definition, null);
	}

	/**
	 * Return the expression of {@link #statementPayload(TriggerDefinition)}, with
	 * {@link PayloadContract#ID} after {@code ts} when an id is given (durable payloads).
	 * @param id an expression of the event's id, or {@code null} for none
	 */
	static String statementPayload(TriggerDefinition definition, @Nullable String id) {
		return statementHead(definition, id) + contextMember(definition) + " || '}'";
	}

	/**
	 * Return an expression of a statement trigger's payload up to its context, without the
	 * closing brace.
	 */
	static String statementHead(TriggerDefinition definition) {
		return statementHead(definition, null);
	}

	private static String statementHead(TriggerDefinition definition, @Nullable String id) {
		StringBuilder payload = new StringBuilder(head(definition, "seq", id));
		if (TriggerSqlGenerator.countsRows(definition)) {
			payload.append("\n\t\t|| ").append(nextKey(PayloadContract.COUNT)).append(" || (SELECT count(*) FROM ")
				.append(SqlIdentifiers.quote(TRANSITION_TABLE))
				.append(')');
		}
		return payload.toString();
	}

	/**
	 * Return an expression of the head of a statement payload with rows, without its part
	 * number: the common head and {@link PayloadContract#COUNT}.
	 */
	static String statementRowsHead(TriggerDefinition definition) {
		return head(definition) + "\n\t\t|| " + nextKey(PayloadContract.COUNT) + " || (SELECT count(*) FROM "
				+ SqlIdentifiers.quote(TRANSITION_TABLE) + ")";
	}

	/**
	 * Return an expression of a whole statement payload with every row of
	 * {@link #TRANSITION_TABLE} in {@link PayloadContract#ROWS} and no part number, for a sink
	 * without a size limit (durable payloads).
	 * @param id an expression of the event's id
	 */
	static String statementRowsPayload(TriggerDefinition definition, String id) {
		return statementHead(definition, id) + "\n\t\t|| " + nextKey(PayloadContract.ROWS) + " || '[' || coalesce((SELECT "
				+ "string_agg(" + rowJson(definition, "r") + ", ',') FROM " + SqlIdentifiers.quote(TRANSITION_TABLE)
				+ " AS r), '') || ']'" + contextMember(definition) + " || '}'";
	}

	/**
	 * Return an expression of type {@code text} of one row's JSON object with the payload's
	 * columns, for a row alias: the form of every element of {@link PayloadContract#ROWS} (and
	 * of {@code data}), for a set-based writer as well as for a trigger's rows.
	 * @param definition the trigger
	 * @param row the row alias
	 * @return the expression
	 */
	static String rowJson(TriggerDefinition definition, String row) {
		return jsonOf(row, definition.columns()) + "::text";
	}

	/**
	 * Return the continuation of a payload with {@link PayloadContract#CONTEXT}, starting with
	 * {@code " || "}, or an empty string for a trigger without context. Each custom setting is
	 * read with {@code current_setting(name, true)}: NULL when unset, and an empty string
	 * (as after a transaction that set it locally ended) reads as NULL too.
	 * @param definition the trigger
	 * @return the continuation
	 */
	static String contextMember(TriggerDefinition definition) {
		if (definition.options().context().isEmpty()) {
			return "";
		}
		StringJoiner pairs = new StringJoiner(", ", "json_build_object(", ")");
		definition.options().context().forEach((key, setting) -> pairs.add(SqlIdentifiers.literal(key)
				+ ", nullif(current_setting(" + SqlIdentifiers.literal(setting) + ", true), '')"));
		return " || " + nextKey(PayloadContract.CONTEXT) + " || " + pairs;
	}

	/**
	 * Return the literal that continues a payload with a key, e.g. {@code ',"data":'}, to be
	 * followed by the key's JSON value.
	 * @param key a key of the {@link PayloadContract}
	 */
	static String nextKey(String key) {
		return SqlIdentifiers.literal("," + JsonStrings.quote(key) + ":");
	}

	/**
	 * The payload's keys common to every notification with the variable {@code seq} and no
	 * event id (notify payloads), without the closing brace.
	 */
	static String head(TriggerDefinition definition) {
		return head(definition, "seq", null);
	}

	/**
	 * The payload's keys common to every notification, without the closing brace. The names
	 * are the configured table's (a partition's row still reports its partitioned table),
	 * encoded as JSON once, here, rather than for every row.
	 * @param seq an expression of the payload's {@link PayloadContract#SEQ}
	 * @param id an expression of the event's {@link PayloadContract#ID}, or {@code null} for
	 * a payload without one
	 */
	static String head(TriggerDefinition definition, String seq, @Nullable String id) {
		String names = "\"," + JsonStrings.quote(PayloadContract.SCHEMA) + ":" + JsonStrings.quote(definition.schema())
				+ "," + JsonStrings.quote(PayloadContract.TABLE) + ":" + JsonStrings.quote(definition.table()) + ","
				+ JsonStrings.quote(PayloadContract.TXID) + ":";
		return SqlIdentifiers.literal("{" + JsonStrings.quote(PayloadContract.ACTION) + ":\"") + " || TG_OP || "
				+ SqlIdentifiers.literal(names) + " || txid_current()\n\t\t|| " + nextKey(PayloadContract.SEQ)
				+ " || " + seq + " || " + nextKey(PayloadContract.TS) + " || " + TS_EXPRESSION
				+ ((id != null) ? " || " + nextKey(PayloadContract.ID) + " || " + id : "");
	}

	/**
	 * A JSON object of the row: every column with {@code to_json}, which keeps numbers as
	 * numbers, json and jsonb nested and timestamps in ISO 8601; or the selected columns with
	 * {@code json_build_object}, joined as text when there are more than it accepts.
	 */
	static String jsonOf(String row, List<String> columns) {
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

	/**
	 * The payload for one kind of row event: {@link PayloadContract#DATA}, and
	 * {@link PayloadContract#OLD} with include-old.
	 */
	private record PayloadArm(@Nullable String condition, String data, @Nullable String old,
			@Nullable String changed, String tail) {

		void appendTo(StringBuilder body, String indent) {
			body.append(indent).append("payload := head || ").append(nextKey(PayloadContract.DATA)).append(" || ")
				.append(this.data);
			if (this.old != null) {
				body.append('\n').append(indent).append("\t|| ").append(nextKey(PayloadContract.OLD)).append(" || ")
					.append(this.old);
			}
			if (this.changed != null) {
				body.append('\n').append(indent).append("\t|| ").append(nextKey(PayloadContract.CHANGED))
					.append(" || ")
					.append(this.changed);
			}
			if (!this.tail.isEmpty()) {
				body.append('\n').append(indent).append('\t').append(this.tail.substring(1));
			}
			body.append(" || '}';\n");
		}

	}

}
