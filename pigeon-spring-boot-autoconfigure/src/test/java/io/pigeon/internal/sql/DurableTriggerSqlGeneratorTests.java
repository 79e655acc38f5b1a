package io.pigeon.internal.sql;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.pigeon.PigeonAction;
import io.pigeon.TriggerDelivery;
import io.pigeon.TriggerLevel;
import io.pigeon.TriggerTiming;
import io.pigeon.internal.sql.TriggerTarget.Kind;
import org.junit.jupiter.api.Test;

import static io.pigeon.PigeonAction.DELETE;
import static io.pigeon.PigeonAction.INSERT;
import static io.pigeon.PigeonAction.UPDATE;
import static io.pigeon.TriggerLevel.ROW;
import static io.pigeon.TriggerLevel.STATEMENT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the durable trigger functions and triggers of {@link TriggerSqlGenerator}, with
 * {@link DurableSink}.
 */
class DurableTriggerSqlGeneratorTests {

	private final TriggerSqlGenerator generator = new TriggerSqlGenerator("pigeon");

	@Test
	void rowTriggerOnSeveralEventsIsOneSetBasedFunctionWithOneStatementTriggerPerEvent() {
		TriggerDefinition definition = durable(List.of("id", "name"), true, ROW, List.of(DELETE, INSERT, UPDATE),
				List.of());
		assertThat(this.generator.createFunction(definition)).isEqualTo("""
				CREATE FUNCTION "public"."items_log_fn"()
				RETURNS trigger
				LANGUAGE plpgsql
				SECURITY DEFINER
				SET search_path = pg_catalog, pg_temp
				SET standard_conforming_strings = on
				AS $pigeon$
				DECLARE
					pigeon_tx xid8 := pg_current_xact_id();
					seq bigint := coalesce(nullif(current_setting('pigeon.seq', true), ''), '0')::bigint;
					written bigint;
				BEGIN
					IF TG_OP = 'INSERT' THEN
						INSERT INTO "pigeon"."pigeon_log" (slot, id, txid, channel, created_at, payload)
						SELECT (SELECT slot FROM "pigeon"."pigeon_log_slot" WHERE current), e.pigeon_id, pigeon_tx, 'items', clock_timestamp(),
							'{"action":"' || TG_OP || '","schema":"public","table":"items","txid":' || txid_current()
						|| ',"seq":' || (seq + e.pigeon_n) || ',"ts":' || (extract(epoch FROM clock_timestamp()) * 1000000)::bigint || ',"id":' || e.pigeon_id || ',"data":' || e.pigeon_data || '}'
						FROM (SELECT nextval('"pigeon"."pigeon_log_event_id_seq"') AS pigeon_id, row_number() OVER () AS pigeon_n, json_build_object('id', r."id", 'name', r."name") AS pigeon_data FROM "pigeon_new" r) e;
					ELSIF TG_OP = 'UPDATE' THEN
						INSERT INTO "pigeon"."pigeon_log" (slot, id, txid, channel, created_at, payload)
						SELECT (SELECT slot FROM "pigeon"."pigeon_log_slot" WHERE current), e.pigeon_id, pigeon_tx, 'items', clock_timestamp(),
							'{"action":"' || TG_OP || '","schema":"public","table":"items","txid":' || txid_current()
						|| ',"seq":' || (seq + e.pigeon_n) || ',"ts":' || (extract(epoch FROM clock_timestamp()) * 1000000)::bigint || ',"id":' || e.pigeon_id || ',"data":' || e.pigeon_data || ',"old":' || e.pigeon_old || '}'
						FROM (SELECT nextval('"pigeon"."pigeon_log_event_id_seq"') AS pigeon_id, n.pigeon_n, n.pigeon_data, o.pigeon_data AS pigeon_old
							FROM (SELECT row_number() OVER () AS pigeon_n, json_build_object('id', r."id", 'name', r."name") AS pigeon_data FROM "pigeon_new" r) n
							JOIN (SELECT row_number() OVER () AS pigeon_n, json_build_object('id', r."id", 'name', r."name") AS pigeon_data FROM "pigeon_old" r) o USING (pigeon_n)
							ORDER BY n.pigeon_n) e;
					ELSE
						INSERT INTO "pigeon"."pigeon_log" (slot, id, txid, channel, created_at, payload)
						SELECT (SELECT slot FROM "pigeon"."pigeon_log_slot" WHERE current), e.pigeon_id, pigeon_tx, 'items', clock_timestamp(),
							'{"action":"' || TG_OP || '","schema":"public","table":"items","txid":' || txid_current()
						|| ',"seq":' || (seq + e.pigeon_n) || ',"ts":' || (extract(epoch FROM clock_timestamp()) * 1000000)::bigint || ',"id":' || e.pigeon_id || ',"data":' || e.pigeon_data || '}'
						FROM (SELECT nextval('"pigeon"."pigeon_log_event_id_seq"') AS pigeon_id, row_number() OVER () AS pigeon_n, json_build_object('id', r."id", 'name', r."name") AS pigeon_data FROM "pigeon_old" r) e;
					END IF;
					GET DIAGNOSTICS written = ROW_COUNT;
					IF written > 0 THEN
						PERFORM set_config('pigeon.seq', (seq + written)::text, true);
						PERFORM pg_notify('pigeon_durable', 'items');
					END IF;
					RETURN NULL;
				END
				$pigeon$;
				REVOKE EXECUTE ON FUNCTION "public"."items_log_fn"() FROM PUBLIC""");
		assertThat(this.generator.createOrReplaceTrigger(definition)).isEqualTo("""
				CREATE OR REPLACE TRIGGER "items_log"
				AFTER INSERT ON "public"."items"
				REFERENCING NEW TABLE AS "pigeon_new"
				FOR EACH STATEMENT
				WHEN (pg_catalog.current_setting('pigeon.silence', true) IS DISTINCT FROM 'on')
				EXECUTE FUNCTION "public"."items_log_fn"();
				CREATE OR REPLACE TRIGGER "items_log_update"
				AFTER UPDATE ON "public"."items"
				REFERENCING OLD TABLE AS "pigeon_old" NEW TABLE AS "pigeon_new"
				FOR EACH STATEMENT
				WHEN (pg_catalog.current_setting('pigeon.silence', true) IS DISTINCT FROM 'on')
				EXECUTE FUNCTION "public"."items_log_fn"();
				CREATE OR REPLACE TRIGGER "items_log_delete"
				AFTER DELETE ON "public"."items"
				REFERENCING OLD TABLE AS "pigeon_old"
				FOR EACH STATEMENT
				WHEN (pg_catalog.current_setting('pigeon.silence', true) IS DISTINCT FROM 'on')
				EXECUTE FUNCTION "public"."items_log_fn"()""");
		assertThat(TriggerSqlGenerator.triggerNames(definition, Kind.TABLE)).containsExactly("items_log",
				"items_log_update", "items_log_delete");
	}

	@Test
	void singleEventWithoutIncludeOldReadsOneTransitionTableWithEveryColumn() {
		TriggerDefinition definition = durable(List.of(), false, ROW, List.of(UPDATE), List.of());
		assertThat(this.generator.createFunction(definition)).contains("""
					INSERT INTO "pigeon"."pigeon_log" (slot, id, txid, channel, created_at, payload)
					SELECT (SELECT slot FROM "pigeon"."pigeon_log_slot" WHERE current), e.pigeon_id, pigeon_tx, 'items', clock_timestamp(),
						'{"action":"' || TG_OP || '","schema":"public","table":"items","txid":' || txid_current()
						|| ',"seq":' || (seq + e.pigeon_n) || ',"ts":' || (extract(epoch FROM clock_timestamp()) * 1000000)::bigint || ',"id":' || e.pigeon_id || ',"data":' || e.pigeon_data || '}'
					FROM (SELECT nextval('"pigeon"."pigeon_log_event_id_seq"') AS pigeon_id, row_number() OVER () AS pigeon_n, to_json(r.*) AS pigeon_data FROM "pigeon_new" r) e;
					GET DIAGNOSTICS written = ROW_COUNT;
				""");
		assertThat(this.generator.createTrigger(definition)).isEqualTo("""
				CREATE TRIGGER "items_log"
				AFTER UPDATE ON "public"."items"
				REFERENCING NEW TABLE AS "pigeon_new"
				FOR EACH STATEMENT
				WHEN (pg_catalog.current_setting('pigeon.silence', true) IS DISTINCT FROM 'on')
				EXECUTE FUNCTION "public"."items_log_fn"()""");
	}

	@Test
	void updateOfKeepsARowLevelFunctionThatTakesTheTransactionIdBeforeTheEventId() {
		TriggerDefinition definition = durable(List.of("id"), false, ROW, List.of(UPDATE), List.of("name"));
		assertThat(new TriggerSqlGenerator("pigeon", false).createFunction(definition)).isEqualTo("""
				CREATE FUNCTION "public"."items_log_fn"()
				RETURNS trigger
				LANGUAGE plpgsql
				SECURITY DEFINER
				SET search_path = pg_catalog, pg_temp
				SET standard_conforming_strings = on
				AS $pigeon$
				DECLARE
					seq bigint := set_config('pigeon.seq', (coalesce(nullif(current_setting('pigeon.seq', true), ''), '0')::bigint + 1)::text, true);
					pigeon_tx xid8 := pg_current_xact_id();
					pigeon_event_id bigint := nextval('"pigeon"."pigeon_log_event_id_seq"');
					head text;
					payload text;
				BEGIN
					head := '{"action":"' || TG_OP || '","schema":"public","table":"items","txid":' || txid_current()
						|| ',"seq":' || seq || ',"ts":' || (extract(epoch FROM clock_timestamp()) * 1000000)::bigint || ',"id":' || pigeon_event_id;
					payload := head || ',"data":' || json_build_object('id', NEW."id") || '}';
					INSERT INTO "pigeon"."pigeon_log" (slot, id, txid, channel, created_at, payload)
					VALUES ((SELECT slot FROM "pigeon"."pigeon_log_slot" WHERE current), pigeon_event_id, pigeon_tx, 'items', clock_timestamp(),
						payload);
					RETURN NULL;
				END
				$pigeon$;
				REVOKE EXECUTE ON FUNCTION "public"."items_log_fn"() FROM PUBLIC""");
		assertThat(this.generator.createTrigger(definition)).isEqualTo("""
				CREATE TRIGGER "items_log"
				AFTER UPDATE OF "name" ON "public"."items"
				FOR EACH ROW
				WHEN (pg_catalog.current_setting('pigeon.silence', true) IS DISTINCT FROM 'on')
				EXECUTE FUNCTION "public"."items_log_fn"()""");
	}

	@Test
	void partitionedTableKeepsOneRowLevelTrigger() {
		TriggerDefinition definition = durable(List.of(), false, ROW, List.of(INSERT, DELETE), List.of());
		assertThat(TriggerSqlGenerator.setBased(definition, Kind.PARTITIONED_TABLE)).isFalse();
		assertThat(TriggerSqlGenerator.triggerNames(definition, Kind.PARTITIONED_TABLE)).containsExactly("items_log");
		assertThat(this.generator.createTrigger(definition, Kind.PARTITIONED_TABLE)).isEqualTo("""
				CREATE TRIGGER "items_log"
				AFTER INSERT OR DELETE ON "public"."items"
				FOR EACH ROW
				WHEN (pg_catalog.current_setting('pigeon.silence', true) IS DISTINCT FROM 'on')
				EXECUTE FUNCTION "public"."items_log_fn"()""");
		assertThat(this.generator.createFunction(definition, Kind.PARTITIONED_TABLE))
			.contains("\tIF TG_OP = 'DELETE' THEN\n\t\tpayload := head || ',\"data\":' || to_json(OLD) || '}';\n")
			.contains("\tPERFORM pg_notify('pigeon_durable', 'items');\n\tRETURN NULL;\n");
	}

	@Test
	void statementTriggerLogsOnePayloadWithItsIdAndCount() {
		TriggerDefinition definition = durable(List.of(), false, STATEMENT, List.of(DELETE), List.of());
		assertThat(this.generator.createFunction(definition)).contains("""
				DECLARE
					seq bigint := set_config('pigeon.seq', (coalesce(nullif(current_setting('pigeon.seq', true), ''), '0')::bigint + 1)::text, true);
					pigeon_tx xid8 := pg_current_xact_id();
					pigeon_event_id bigint := nextval('"pigeon"."pigeon_log_event_id_seq"');
				BEGIN
					INSERT INTO "pigeon"."pigeon_log" (slot, id, txid, channel, created_at, payload)
					VALUES ((SELECT slot FROM "pigeon"."pigeon_log_slot" WHERE current), pigeon_event_id, pigeon_tx, 'items', clock_timestamp(),
						'{"action":"' || TG_OP || '","schema":"public","table":"items","txid":' || txid_current()
						|| ',"seq":' || seq || ',"ts":' || (extract(epoch FROM clock_timestamp()) * 1000000)::bigint || ',"id":' || pigeon_event_id
						|| ',"count":' || (SELECT count(*) FROM "pigeon_rows") || '}');
					PERFORM pg_notify('pigeon_durable', 'items');
					RETURN NULL;
				END
				""");
		assertThat(this.generator.createTrigger(definition)).isEqualTo("""
				CREATE TRIGGER "items_log"
				AFTER DELETE ON "public"."items"
				REFERENCING OLD TABLE AS "pigeon_rows"
				FOR EACH STATEMENT
				WHEN (pg_catalog.current_setting('pigeon.silence', true) IS DISTINCT FROM 'on')
				EXECUTE FUNCTION "public"."items_log_fn"()""");
	}

	@Test
	void setBasedUpdateFiltersPairedRowsNamedNewAndOldAndReadsTheContextOncePerStatement() {
		Map<String, String> context = new LinkedHashMap<>();
		context.put("user", "app.user_id");
		TriggerDefinition definition = new TriggerDefinition("public", "items", "items_log", "items_log_fn", "items",
				List.of("id", "name"), false, ROW, List.of(UPDATE), List.of(), TriggerTiming.AFTER,
				TriggerDelivery.DURABLE, new TriggerOptions("NEW.name <> 'draft'", true, List.of(), true, context, false));
		assertThat(TriggerSqlGenerator.setBased(definition, Kind.TABLE)).isTrue();
		assertThat(this.generator.createFunction(definition)).isEqualTo("""
				CREATE FUNCTION "public"."items_log_fn"()
				RETURNS trigger
				LANGUAGE plpgsql
				SECURITY DEFINER
				SET search_path = pg_catalog, pg_temp
				SET standard_conforming_strings = on
				AS $pigeon$
				#variable_conflict use_column
				DECLARE
					pigeon_tx xid8 := pg_current_xact_id();
					seq bigint := coalesce(nullif(current_setting('pigeon.seq', true), ''), '0')::bigint;
					written bigint;
					pigeon_context text := ',"context":' || json_build_object('user', nullif(current_setting('app.user_id', true), ''));
				BEGIN
					INSERT INTO "pigeon"."pigeon_log" (slot, id, txid, channel, created_at, payload)
					SELECT (SELECT slot FROM "pigeon"."pigeon_log_slot" WHERE current), e.pigeon_id, pigeon_tx, 'items', clock_timestamp(),
						'{"action":"' || TG_OP || '","schema":"public","table":"items","txid":' || txid_current()
						|| ',"seq":' || (seq + e.pigeon_n) || ',"ts":' || (extract(epoch FROM clock_timestamp()) * 1000000)::bigint || ',"id":' || e.pigeon_id || ',"data":' || e.pigeon_data || ',"changed":' || e.pigeon_changed || pigeon_context || '}'
					FROM (SELECT nextval('"pigeon"."pigeon_log_event_id_seq"') AS pigeon_id, row_number() OVER (ORDER BY pigeon_new.pigeon_n) AS pigeon_n, json_build_object('id', new."id", 'name', new."name") AS pigeon_data, coalesce((SELECT json_agg(n.key ORDER BY n.position) FROM json_each(to_json(pigeon_new.pigeon_row)) WITH ORDINALITY AS n(key, value, position) JOIN json_each(to_json(pigeon_old.pigeon_row)) WITH ORDINALITY AS o(key, value, position) ON o.position = n.position WHERE n.value::jsonb IS DISTINCT FROM o.value::jsonb AND n.key = ANY (ARRAY['id', 'name']::text[]))::text, '[]') AS pigeon_changed
						FROM (SELECT row_number() OVER () AS pigeon_n, r AS pigeon_row FROM "pigeon_new" r) pigeon_new
						JOIN (SELECT row_number() OVER () AS pigeon_n, r AS pigeon_row FROM "pigeon_old" r) pigeon_old USING (pigeon_n)
						CROSS JOIN LATERAL (SELECT (pigeon_new.pigeon_row).*) AS "new"
						CROSS JOIN LATERAL (SELECT (pigeon_old.pigeon_row).*) AS "old"
						WHERE (pg_catalog.to_jsonb(old."id") IS DISTINCT FROM pg_catalog.to_jsonb(new."id") OR pg_catalog.to_jsonb(old."name") IS DISTINCT FROM pg_catalog.to_jsonb(new."name"))
							AND (NEW.name <> 'draft'
							)
						ORDER BY pigeon_new.pigeon_n) e;
					GET DIAGNOSTICS written = ROW_COUNT;
					IF written > 0 THEN
						PERFORM set_config('pigeon.seq', (seq + written)::text, true);
						PERFORM pg_notify('pigeon_durable', 'items');
					END IF;
					RETURN NULL;
				END
				$pigeon$;
				REVOKE EXECUTE ON FUNCTION "public"."items_log_fn"() FROM PUBLIC""");
		assertThat(this.generator.createTrigger(definition)).isEqualTo("""
				CREATE TRIGGER "items_log"
				AFTER UPDATE ON "public"."items"
				REFERENCING OLD TABLE AS "pigeon_old" NEW TABLE AS "pigeon_new"
				FOR EACH STATEMENT
				WHEN (pg_catalog.current_setting('pigeon.silence', true) IS DISTINCT FROM 'on')
				EXECUTE FUNCTION "public"."items_log_fn"()""");
		assertThat(this.generator.filterChecks(definition)).containsExactly("SET LOCAL search_path = pg_catalog, pg_temp",
				"""
				EXPLAIN (COSTS OFF) SELECT FROM (SELECT NULL::"public"."items" AS pigeon_row) pigeon_new CROSS JOIN (SELECT NULL::"public"."items" AS pigeon_row) pigeon_old
				CROSS JOIN LATERAL (SELECT (pigeon_new.pigeon_row).*) AS "new"
				CROSS JOIN LATERAL (SELECT (pigeon_old.pigeon_row).*) AS "old"
				WHERE (pg_catalog.to_jsonb(old."id") IS DISTINCT FROM pg_catalog.to_jsonb(new."id") OR pg_catalog.to_jsonb(old."name") IS DISTINCT FROM pg_catalog.to_jsonb(new."name"))
					AND (NEW.name <> 'draft'
					)""");
	}

	@Test
	void setBasedInsertConditionIsTheWhereClauseOverTheTransitionTableNamedNew() {
		TriggerDefinition definition = new TriggerDefinition("public", "items", "items_log", "items_log_fn", "items",
				List.of("id"), false, ROW, List.of(INSERT), List.of(), TriggerTiming.AFTER, TriggerDelivery.DURABLE,
				new TriggerOptions("NEW.name <> 'draft'", false, List.of(), false, Map.of(), false));
		assertThat(this.generator.createFunction(definition)).startsWith("""
				CREATE FUNCTION "public"."items_log_fn"()
				RETURNS trigger
				LANGUAGE plpgsql
				SECURITY DEFINER
				SET search_path = pg_catalog, pg_temp
				SET standard_conforming_strings = on
				AS $pigeon$
				#variable_conflict use_column
				DECLARE
				""").contains("""
					FROM (SELECT nextval('"pigeon"."pigeon_log_event_id_seq"') AS pigeon_id, row_number() OVER () AS pigeon_n, json_build_object('id', new."id") AS pigeon_data FROM "pigeon_new" AS "new"
						WHERE (NEW.name <> 'draft'
							)) e;
				""");
		assertThat(this.generator.filterChecks(definition)).containsExactly("SET LOCAL search_path = pg_catalog, pg_temp",
				"""
				EXPLAIN (COSTS OFF) SELECT FROM (SELECT (NULL::"public"."items").*) AS "new"
				WHERE (NEW.name <> 'draft'
					)""");
	}

	@Test
	void statementTriggerWithRowsLogsOneEventWithEveryRowAndNoParts() {
		Map<String, String> context = new LinkedHashMap<>();
		context.put("user", "app.user_id");
		TriggerDefinition definition = new TriggerDefinition("public", "items", "items_log", "items_log_fn", "items",
				List.of("id", "name"), false, STATEMENT, List.of(UPDATE), List.of(), TriggerTiming.AFTER,
				TriggerDelivery.DURABLE, new TriggerOptions(null, false, List.of(), false, context, true));
		assertThat(this.generator.createFunction(definition)).isEqualTo("""
				CREATE FUNCTION "public"."items_log_fn"()
				RETURNS trigger
				LANGUAGE plpgsql
				SECURITY DEFINER
				SET search_path = pg_catalog, pg_temp
				SET standard_conforming_strings = on
				AS $pigeon$
				DECLARE
					seq bigint := set_config('pigeon.seq', (coalesce(nullif(current_setting('pigeon.seq', true), ''), '0')::bigint + 1)::text, true);
					pigeon_tx xid8 := pg_current_xact_id();
					pigeon_event_id bigint := nextval('"pigeon"."pigeon_log_event_id_seq"');
				BEGIN
					INSERT INTO "pigeon"."pigeon_log" (slot, id, txid, channel, created_at, payload)
					VALUES ((SELECT slot FROM "pigeon"."pigeon_log_slot" WHERE current), pigeon_event_id, pigeon_tx, 'items', clock_timestamp(),
						'{"action":"' || TG_OP || '","schema":"public","table":"items","txid":' || txid_current()
						|| ',"seq":' || seq || ',"ts":' || (extract(epoch FROM clock_timestamp()) * 1000000)::bigint || ',"id":' || pigeon_event_id
						|| ',"count":' || (SELECT count(*) FROM "pigeon_rows")
						|| ',"rows":' || '[' || coalesce((SELECT string_agg(json_build_object('id', r."id", 'name', r."name")::text, ',') FROM "pigeon_rows" AS r), '') || ']' || ',"context":' || json_build_object('user', nullif(current_setting('app.user_id', true), '')) || '}');
					PERFORM pg_notify('pigeon_durable', 'items');
					RETURN NULL;
				END
				$pigeon$;
				REVOKE EXECUTE ON FUNCTION "public"."items_log_fn"() FROM PUBLIC""");
		assertThat(this.generator.createTrigger(definition)).isEqualTo("""
				CREATE TRIGGER "items_log"
				AFTER UPDATE ON "public"."items"
				REFERENCING NEW TABLE AS "pigeon_rows"
				FOR EACH STATEMENT
				WHEN (pg_catalog.current_setting('pigeon.silence', true) IS DISTINCT FROM 'on')
				EXECUTE FUNCTION "public"."items_log_fn"()""");
	}

	@Test
	void notifyTriggersAreUnchangedByTheDurableMode() {
		TriggerDefinition notify = new TriggerDefinition("public", "items", "items_log", "items_log_fn", "items",
				List.of(), false, ROW, List.of(INSERT), List.of(), TriggerTiming.AFTER);
		assertThat(notify.delivery()).isEqualTo(TriggerDelivery.NOTIFY);
		assertThat(this.generator.createFunction(notify)).doesNotContain("SECURITY DEFINER", "pigeon_log", "REVOKE")
			.isEqualTo(new TriggerSqlGenerator("pigeon", false).createFunction(notify));
		assertThat(TriggerSqlGenerator.triggerNames(notify, Kind.TABLE)).containsExactly("items_log");
	}

	@Test
	void setBasedTriggerWithAKeyWritesEachRowsLaneKeyFromItsTransitionTable() {
		TriggerDefinition definition = durable(List.of("id"), false, ROW, List.of(INSERT), List.of());
		definition = definition.withOptions(definition.options().withLaneKey(List.of("id")));
		assertThat(this.generator.createFunction(definition)).isEqualTo("""
				CREATE FUNCTION "public"."items_log_fn"()
				RETURNS trigger
				LANGUAGE plpgsql
				SECURITY DEFINER
				SET search_path = pg_catalog, pg_temp
				SET standard_conforming_strings = on
				AS $pigeon$
				DECLARE
					pigeon_tx xid8 := pg_current_xact_id();
					seq bigint := coalesce(nullif(current_setting('pigeon.seq', true), ''), '0')::bigint;
					written bigint;
				BEGIN
					INSERT INTO "pigeon"."pigeon_log" (slot, id, txid, channel, created_at, payload, lane_key)
					SELECT (SELECT slot FROM "pigeon"."pigeon_log_slot" WHERE current), e.pigeon_id, pigeon_tx, 'items', clock_timestamp(),
						'{"action":"' || TG_OP || '","schema":"public","table":"items","txid":' || txid_current()
						|| ',"seq":' || (seq + e.pigeon_n) || ',"ts":' || (extract(epoch FROM clock_timestamp()) * 1000000)::bigint || ',"id":' || e.pigeon_id || ',"data":' || e.pigeon_data || '}', e.pigeon_lane_key
					FROM (SELECT nextval('"pigeon"."pigeon_log_event_id_seq"') AS pigeon_id, row_number() OVER () AS pigeon_n, json_build_object('id', r."id") AS pigeon_data, hashtextextended(ROW(r."id")::text, 0) AS pigeon_lane_key FROM "pigeon_new" r) e;
					GET DIAGNOSTICS written = ROW_COUNT;
					IF written > 0 THEN
						PERFORM set_config('pigeon.seq', (seq + written)::text, true);
						PERFORM pg_notify('pigeon_durable', 'items');
					END IF;
					RETURN NULL;
				END
				$pigeon$;
				REVOKE EXECUTE ON FUNCTION "public"."items_log_fn"() FROM PUBLIC""");
	}

	@Test
	void setBasedUpdateTakesTheLaneKeyOfTheNewRow() {
		TriggerDefinition definition = durable(List.of("id"), true, ROW, List.of(UPDATE), List.of());
		definition = definition.withOptions(definition.options().withLaneKey(List.of("tenant", "id")));
		assertThat(this.generator.createFunction(definition)).isEqualTo("""
				CREATE FUNCTION "public"."items_log_fn"()
				RETURNS trigger
				LANGUAGE plpgsql
				SECURITY DEFINER
				SET search_path = pg_catalog, pg_temp
				SET standard_conforming_strings = on
				AS $pigeon$
				DECLARE
					pigeon_tx xid8 := pg_current_xact_id();
					seq bigint := coalesce(nullif(current_setting('pigeon.seq', true), ''), '0')::bigint;
					written bigint;
				BEGIN
					INSERT INTO "pigeon"."pigeon_log" (slot, id, txid, channel, created_at, payload, lane_key)
					SELECT (SELECT slot FROM "pigeon"."pigeon_log_slot" WHERE current), e.pigeon_id, pigeon_tx, 'items', clock_timestamp(),
						'{"action":"' || TG_OP || '","schema":"public","table":"items","txid":' || txid_current()
						|| ',"seq":' || (seq + e.pigeon_n) || ',"ts":' || (extract(epoch FROM clock_timestamp()) * 1000000)::bigint || ',"id":' || e.pigeon_id || ',"data":' || e.pigeon_data || ',"old":' || e.pigeon_old || '}', e.pigeon_lane_key
					FROM (SELECT nextval('"pigeon"."pigeon_log_event_id_seq"') AS pigeon_id, n.pigeon_n, n.pigeon_data, o.pigeon_data AS pigeon_old, n.pigeon_lane_key
						FROM (SELECT row_number() OVER () AS pigeon_n, json_build_object('id', r."id") AS pigeon_data, hashtextextended(ROW(r."tenant", r."id")::text, 0) AS pigeon_lane_key FROM "pigeon_new" r) n
						JOIN (SELECT row_number() OVER () AS pigeon_n, json_build_object('id', r."id") AS pigeon_data FROM "pigeon_old" r) o USING (pigeon_n)
						ORDER BY n.pigeon_n) e;
					GET DIAGNOSTICS written = ROW_COUNT;
					IF written > 0 THEN
						PERFORM set_config('pigeon.seq', (seq + written)::text, true);
						PERFORM pg_notify('pigeon_durable', 'items');
					END IF;
					RETURN NULL;
				END
				$pigeon$;
				REVOKE EXECUTE ON FUNCTION "public"."items_log_fn"() FROM PUBLIC""");
	}

	@Test
	void rowLevelTriggerWithAKeyTakesTheLaneKeyOfTheOldRowOnDelete() {
		TriggerDefinition definition = durable(List.of("id"), false, ROW, List.of(UPDATE, DELETE), List.of("name"));
		definition = definition.withOptions(definition.options().withLaneKey(List.of("tenant", "id")));
		assertThat(this.generator.createFunction(definition)).isEqualTo("""
				CREATE FUNCTION "public"."items_log_fn"()
				RETURNS trigger
				LANGUAGE plpgsql
				SECURITY DEFINER
				SET search_path = pg_catalog, pg_temp
				SET standard_conforming_strings = on
				AS $pigeon$
				DECLARE
					seq bigint := set_config('pigeon.seq', (coalesce(nullif(current_setting('pigeon.seq', true), ''), '0')::bigint + 1)::text, true);
					pigeon_tx xid8 := pg_current_xact_id();
					pigeon_event_id bigint := nextval('"pigeon"."pigeon_log_event_id_seq"');
					head text;
					payload text;
				BEGIN
					head := '{"action":"' || TG_OP || '","schema":"public","table":"items","txid":' || txid_current()
						|| ',"seq":' || seq || ',"ts":' || (extract(epoch FROM clock_timestamp()) * 1000000)::bigint || ',"id":' || pigeon_event_id;
					IF TG_OP = 'DELETE' THEN
						payload := head || ',"data":' || json_build_object('id', OLD."id") || '}';
					ELSE
						payload := head || ',"data":' || json_build_object('id', NEW."id") || '}';
					END IF;
					INSERT INTO "pigeon"."pigeon_log" (slot, id, txid, channel, created_at, payload, lane_key)
					VALUES ((SELECT slot FROM "pigeon"."pigeon_log_slot" WHERE current), pigeon_event_id, pigeon_tx, 'items', clock_timestamp(),
						payload,
						CASE WHEN TG_OP = 'DELETE' THEN hashtextextended(ROW(OLD."tenant", OLD."id")::text, 0) ELSE hashtextextended(ROW(NEW."tenant", NEW."id")::text, 0) END);
					PERFORM pg_notify('pigeon_durable', 'items');
					RETURN NULL;
				END
				$pigeon$;
				REVOKE EXECUTE ON FUNCTION "public"."items_log_fn"() FROM PUBLIC""");
	}

	private static TriggerDefinition durable(List<String> columns, boolean includeOld, TriggerLevel level,
			List<PigeonAction> events, List<String> updateOf) {
		return new TriggerDefinition("public", "items", "items_log", "items_log_fn", "items", columns, includeOld,
				level, events, updateOf, TriggerTiming.AFTER, TriggerDelivery.DURABLE);
	}

}
