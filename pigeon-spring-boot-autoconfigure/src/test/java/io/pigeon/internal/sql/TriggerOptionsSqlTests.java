package io.pigeon.internal.sql;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.pigeon.PigeonAction;
import io.pigeon.TriggerLevel;
import io.pigeon.TriggerTiming;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden SQL of the {@link TriggerOptions}: the WHEN clause (silencing, change filters,
 * condition), the changed columns, the context and statement payloads with rows. Their
 * behaviour on PostgreSQL is tested by {@code SharperTriggerIntegrationTests}.
 */
class TriggerOptionsSqlTests {

	private final TriggerSqlGenerator generator = new TriggerSqlGenerator("pigeon");

	@Test
	void conditionChangedOnlyIncludeChangedAndContext() {
		Map<String, String> context = new LinkedHashMap<>();
		context.put("user", "app.user_id");
		context.put("it's", "app.request_id");
		TriggerDefinition definition = new TriggerDefinition("public", "orders", "orders_paid", "orders_paid_fn",
				"orders", List.of("id", "status"), false, TriggerLevel.ROW, List.of(PigeonAction.UPDATE), List.of(),
				TriggerTiming.AFTER,
				new TriggerOptions("NEW.status <> 'draft' -- not drafts", true, List.of("status"), true, context, false));
		assertThat(this.generator.createTrigger(definition)).isEqualTo("""
				CREATE TRIGGER "orders_paid"
				AFTER UPDATE ON "public"."orders"
				FOR EACH ROW
				WHEN (pg_catalog.current_setting('pigeon.silence', true) IS DISTINCT FROM 'on'
					AND (pg_catalog.to_jsonb(OLD."id") IS DISTINCT FROM pg_catalog.to_jsonb(NEW."id"))
					AND (NEW.status <> 'draft' -- not drafts
					))
				EXECUTE FUNCTION "public"."orders_paid_fn"()""");
		assertThat(this.generator.createFunction(definition)).isEqualTo("""
				CREATE FUNCTION "public"."orders_paid_fn"()
				RETURNS trigger
				LANGUAGE plpgsql
				SET search_path = pg_catalog, pg_temp
				SET standard_conforming_strings = on
				AS $pigeon$
				DECLARE
					seq bigint := set_config('pigeon.seq', (coalesce(nullif(current_setting('pigeon.seq', true), ''), '0')::bigint + 1)::text, true);
					head text;
					payload text;
				BEGIN
					head := '{"action":"' || TG_OP || '","schema":"public","table":"orders","txid":' || txid_current()
						|| ',"seq":' || seq || ',"ts":' || (extract(epoch FROM clock_timestamp()) * 1000000)::bigint;
					payload := head || ',"data":' || json_build_object('id', NEW."id", 'status', NEW."status")
						|| ',"changed":' || coalesce((SELECT json_agg(n.key ORDER BY n.position) FROM json_each(to_json(NEW)) WITH ORDINALITY AS n(key, value, position) JOIN json_each(to_json(OLD)) WITH ORDINALITY AS o(key, value, position) ON o.position = n.position WHERE n.value::jsonb IS DISTINCT FROM o.value::jsonb AND n.key = ANY (ARRAY['id', 'status']::text[]) AND n.key <> ALL (ARRAY['status']::text[]))::text, '[]')
						|| ',"context":' || json_build_object('user', nullif(current_setting('app.user_id', true), ''), 'it''s', nullif(current_setting('app.request_id', true), '')) || '}';
					IF octet_length(payload) >= 8000 THEN
						payload := head || ',"overflow":' || "pigeon"."pigeon_overflow_store"('orders', payload) || '}';
					END IF;
					PERFORM pg_notify('orders', payload);
					RETURN NULL;
				END
				$pigeon$""");
	}

	@Test
	void changedOnlyOverTheWholeRowWithoutIgnoredColumns() {
		assertThat(this.generator.createTrigger(beforeUpdate(new TriggerOptions(null, true,
				List.of("updated_at", "version"), false, Map.of(), false)))).isEqualTo("""
				CREATE TRIGGER "t"
				BEFORE UPDATE ON "public"."orders"
				FOR EACH ROW
				WHEN (pg_catalog.current_setting('pigeon.silence', true) IS DISTINCT FROM 'on'
					AND (pg_catalog.to_jsonb(OLD) - ARRAY['updated_at', 'version']::text[]) IS DISTINCT FROM (pg_catalog.to_jsonb(NEW) - ARRAY['updated_at', 'version']::text[]))
				EXECUTE FUNCTION "public"."f"()""");
	}

	@Test
	void ignoreColumnsWithoutChangedOnlyStillFireOnUpdatesThatChangeNothing() {
		assertThat(this.generator.createTrigger(beforeUpdate(new TriggerOptions(null, false, List.of("updated_at"),
				false, Map.of(), false)))).isEqualTo("""
				CREATE TRIGGER "t"
				BEFORE UPDATE ON "public"."orders"
				FOR EACH ROW
				WHEN (pg_catalog.current_setting('pigeon.silence', true) IS DISTINCT FROM 'on'
					AND ((pg_catalog.to_jsonb(OLD) - ARRAY['updated_at']::text[]) IS DISTINCT FROM (pg_catalog.to_jsonb(NEW) - ARRAY['updated_at']::text[]) OR pg_catalog.to_jsonb(OLD) = pg_catalog.to_jsonb(NEW)))
				EXECUTE FUNCTION "public"."f"()""");
	}

	@Test
	void insteadOfFunctionChecksSilencingBeforeItTakesASeq() {
		TriggerDefinition definition = new TriggerDefinition("public", "v", "t", "f", "v", List.of(), false,
				TriggerLevel.ROW, List.of(PigeonAction.INSERT, PigeonAction.DELETE), List.of(),
				TriggerTiming.INSTEAD_OF);
		assertThat(this.generator.createTrigger(definition)).doesNotContain("WHEN");
		assertThat(this.generator.createFunction(definition)).isEqualTo("""
				CREATE FUNCTION "public"."f"()
				RETURNS trigger
				LANGUAGE plpgsql
				SET search_path = pg_catalog, pg_temp
				SET standard_conforming_strings = on
				AS $pigeon$
				DECLARE
					seq bigint;
					head text;
					payload text;
				BEGIN
					IF NOT (pg_catalog.current_setting('pigeon.silence', true) IS DISTINCT FROM 'on') THEN
						IF TG_OP = 'DELETE' THEN
							RETURN OLD;
						END IF;
						RETURN NEW;
					END IF;
					seq := set_config('pigeon.seq', (coalesce(nullif(current_setting('pigeon.seq', true), ''), '0')::bigint + 1)::text, true);
					head := '{"action":"' || TG_OP || '","schema":"public","table":"v","txid":' || txid_current()
						|| ',"seq":' || seq || ',"ts":' || (extract(epoch FROM clock_timestamp()) * 1000000)::bigint;
					IF TG_OP = 'DELETE' THEN
						payload := head || ',"data":' || to_json(OLD) || '}';
					ELSE
						payload := head || ',"data":' || to_json(NEW) || '}';
					END IF;
					IF octet_length(payload) >= 8000 THEN
						payload := head || ',"overflow":' || "pigeon"."pigeon_overflow_store"('v', payload) || '}';
					END IF;
					PERFORM pg_notify('v', payload);
					IF TG_OP = 'DELETE' THEN
						RETURN OLD;
					END IF;
					RETURN NEW;
				END
				$pigeon$""");
	}

	@Test
	void statementRowsAreGatheredIntoParts() {
		TriggerDefinition definition = new TriggerDefinition("public", "orders", "t", "f", "orders", List.of("id"),
				false, TriggerLevel.STATEMENT, List.of(PigeonAction.UPDATE), List.of(), TriggerTiming.AFTER,
				new TriggerOptions(null, false, List.of(), false, Map.of("user", "app.user_id"), true));
		assertThat(this.generator.createTrigger(definition)).isEqualTo("""
				CREATE TRIGGER "t"
				AFTER UPDATE ON "public"."orders"
				REFERENCING NEW TABLE AS "pigeon_rows"
				FOR EACH STATEMENT
				WHEN (pg_catalog.current_setting('pigeon.silence', true) IS DISTINCT FROM 'on')
				EXECUTE FUNCTION "public"."f"()""");
		assertThat(this.generator.createFunction(definition)).isEqualTo("""
				CREATE FUNCTION "public"."f"()
				RETURNS trigger
				LANGUAGE plpgsql
				SET search_path = pg_catalog, pg_temp
				SET standard_conforming_strings = on
				AS $pigeon$
				DECLARE
					seq bigint := set_config('pigeon.seq', (coalesce(nullif(current_setting('pigeon.seq', true), ''), '0')::bigint + 1)::text, true);
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
					base := '{"action":"' || TG_OP || '","schema":"public","table":"orders","txid":' || txid_current()
						|| ',"seq":' || seq || ',"ts":' || (extract(epoch FROM clock_timestamp()) * 1000000)::bigint
						|| ',"count":' || (SELECT count(*) FROM "pigeon_rows");
					tail := ',"context":' || json_build_object('user', nullif(current_setting('app.user_id', true), '')) || '}';
					budget := 7935 - octet_length(base) - octet_length(tail);
					FOR line IN SELECT json_build_object('id', r."id")::text FROM "pigeon_rows" AS r LOOP
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
						head := base || ',"part":' || part || ',"parts":' || cardinality(parts);
						payload := head || ',"rows":' || '[' || parts[part] || ']' || tail;
						IF octet_length(payload) >= 8000 THEN
							payload := head || ',"overflow":' || "pigeon"."pigeon_overflow_store"('orders', payload) || '}';
						END IF;
						PERFORM pg_notify('orders', payload);
					END LOOP;
					RETURN NULL;
				END
				$pigeon$""");
	}

	@Test
	void statementPayloadWithContextOverflowsInsteadOfFailing() {
		TriggerDefinition definition = new TriggerDefinition("public", "orders", "t", "f", "orders", List.of(),
				false, TriggerLevel.STATEMENT, List.of(PigeonAction.DELETE), List.of(), TriggerTiming.AFTER,
				new TriggerOptions(null, false, List.of(), false, Map.of("user", "app.user_id"), false));
		assertThat(this.generator.createFunction(definition)).isEqualTo("""
				CREATE FUNCTION "public"."f"()
				RETURNS trigger
				LANGUAGE plpgsql
				SET search_path = pg_catalog, pg_temp
				SET standard_conforming_strings = on
				AS $pigeon$
				DECLARE
					seq bigint := set_config('pigeon.seq', (coalesce(nullif(current_setting('pigeon.seq', true), ''), '0')::bigint + 1)::text, true);
					head text;
					payload text;
				BEGIN
					head := '{"action":"' || TG_OP || '","schema":"public","table":"orders","txid":' || txid_current()
						|| ',"seq":' || seq || ',"ts":' || (extract(epoch FROM clock_timestamp()) * 1000000)::bigint
						|| ',"count":' || (SELECT count(*) FROM "pigeon_rows");
					payload := head || ',"context":' || json_build_object('user', nullif(current_setting('app.user_id', true), '')) || '}';
					IF octet_length(payload) >= 8000 THEN
						payload := head || ',"overflow":' || "pigeon"."pigeon_overflow_store"('orders', payload) || '}';
					END IF;
					PERFORM pg_notify('orders', payload);
					RETURN NULL;
				END
				$pigeon$""");
	}

	@Test
	void rowFilterIsWrittenOverTheGivenRowAliases() {
		TriggerDefinition definition = beforeUpdate(new TriggerOptions("new.price > old.price", true, List.of(),
				false, Map.of(), false)).withOptions(new TriggerOptions("new.price > old.price", true, List.of(), false,
						Map.of(), false));
		assertThat(TriggerFilter.rowFilter(new TriggerDefinition("public", "orders", "t", "f", "orders",
				List.of("price"), false, TriggerLevel.ROW, List.of(PigeonAction.UPDATE), List.of(), TriggerTiming.AFTER,
				definition.options()), "o", "n")).isEqualTo("""
						(pg_catalog.to_jsonb(o."price") IS DISTINCT FROM pg_catalog.to_jsonb(n."price"))
							AND (new.price > old.price
							)""");
	}

	private static TriggerDefinition beforeUpdate(TriggerOptions options) {
		return new TriggerDefinition("public", "orders", "t", "f", "orders", List.of(), false, TriggerLevel.ROW,
				List.of(PigeonAction.UPDATE), List.of(), TriggerTiming.BEFORE, options);
	}

}
