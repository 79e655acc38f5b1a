package io.pigeon.internal.sql;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.pigeon.PigeonAction;
import io.pigeon.TriggerLevel;
import io.pigeon.TriggerTiming;

import org.junit.jupiter.api.Test;

import static io.pigeon.PigeonAction.DELETE;
import static io.pigeon.PigeonAction.INSERT;
import static io.pigeon.PigeonAction.TRUNCATE;
import static io.pigeon.PigeonAction.UPDATE;
import static io.pigeon.TriggerLevel.ROW;
import static io.pigeon.TriggerLevel.STATEMENT;
import static io.pigeon.TriggerTiming.AFTER;
import static io.pigeon.TriggerTiming.BEFORE;
import static io.pigeon.TriggerTiming.INSTEAD_OF;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * Tests for {@link TriggerSqlGenerator}.
 */
class TriggerSqlGeneratorTests {

	private final TriggerSqlGenerator generator = new TriggerSqlGenerator("pigeon");

	@Test
	void createSupportObjects() {
		assertThat(this.generator.createSupportObjects()).isEqualTo("""
				CREATE TABLE IF NOT EXISTS "pigeon"."pigeon_overflow" (
					id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
					payload text NOT NULL,
					created_at timestamptz NOT NULL DEFAULT clock_timestamp()
				);
				ALTER TABLE "pigeon"."pigeon_overflow" ADD COLUMN IF NOT EXISTS channel text;
				CREATE INDEX IF NOT EXISTS "pigeon_overflow_created_at_idx" ON "pigeon"."pigeon_overflow" (created_at);
				ALTER TABLE "pigeon"."pigeon_overflow" ADD COLUMN IF NOT EXISTS first_seen timestamptz;
				CREATE INDEX IF NOT EXISTS "pigeon_overflow_first_seen_idx" ON "pigeon"."pigeon_overflow" (first_seen);
				DROP FUNCTION IF EXISTS "pigeon"."pigeon_overflow_store"(text);
				CREATE OR REPLACE FUNCTION "pigeon"."pigeon_overflow_store"(text, text)
				RETURNS bigint
				LANGUAGE plpgsql
				SECURITY DEFINER
				SET search_path = pg_catalog, pg_temp
				SET standard_conforming_strings = on
				AS $pigeon$
				DECLARE
					change jsonb;
					stored bigint;
				BEGIN
					IF pg_trigger_depth() < 1 THEN
						RAISE EXCEPTION 'pigeon_overflow_store is called by Pigeon trigger functions only';
					END IF;
					IF $1 IS NULL OR $2 IS NULL OR octet_length($2) < 8000 THEN
						RAISE EXCEPTION 'pigeon_overflow_store takes a channel and a payload too large to notify';
					END IF;
					change := $2::jsonb;
					IF jsonb_typeof(change) IS DISTINCT FROM 'object'
							OR (change ->> 'action') NOT IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')
							OR jsonb_typeof(change -> 'schema') IS DISTINCT FROM 'string'
							OR jsonb_typeof(change -> 'table') IS DISTINCT FROM 'string'
							OR jsonb_typeof(change -> 'seq') IS DISTINCT FROM 'number'
							OR (change ->> 'txid') IS DISTINCT FROM txid_current()::text THEN
						RAISE EXCEPTION 'pigeon_overflow_store takes only a change of the calling transaction';
					END IF;
					INSERT INTO "pigeon"."pigeon_overflow" (channel, payload) VALUES ($1, $2) RETURNING id INTO stored;
					RETURN stored;
				END
				$pigeon$;
				GRANT EXECUTE ON FUNCTION "pigeon"."pigeon_overflow_store"(text, text) TO PUBLIC;
				""");
	}

	@Test
	void createSupportObjectsInSchemaWithAwkwardName() {
		assertThat(new TriggerSqlGenerator("My \"$pigeon$\" Schema").createSupportObjects()).isEqualTo("""
				CREATE TABLE IF NOT EXISTS "My ""$pigeon$"" Schema"."pigeon_overflow" (
					id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
					payload text NOT NULL,
					created_at timestamptz NOT NULL DEFAULT clock_timestamp()
				);
				ALTER TABLE "My ""$pigeon$"" Schema"."pigeon_overflow" ADD COLUMN IF NOT EXISTS channel text;
				CREATE INDEX IF NOT EXISTS "pigeon_overflow_created_at_idx" ON "My ""$pigeon$"" Schema"."pigeon_overflow" (created_at);
				ALTER TABLE "My ""$pigeon$"" Schema"."pigeon_overflow" ADD COLUMN IF NOT EXISTS first_seen timestamptz;
				CREATE INDEX IF NOT EXISTS "pigeon_overflow_first_seen_idx" ON "My ""$pigeon$"" Schema"."pigeon_overflow" (first_seen);
				DROP FUNCTION IF EXISTS "My ""$pigeon$"" Schema"."pigeon_overflow_store"(text);
				CREATE OR REPLACE FUNCTION "My ""$pigeon$"" Schema"."pigeon_overflow_store"(text, text)
				RETURNS bigint
				LANGUAGE plpgsql
				SECURITY DEFINER
				SET search_path = pg_catalog, pg_temp
				SET standard_conforming_strings = on
				AS $pigeon1$
				DECLARE
					change jsonb;
					stored bigint;
				BEGIN
					IF pg_trigger_depth() < 1 THEN
						RAISE EXCEPTION 'pigeon_overflow_store is called by Pigeon trigger functions only';
					END IF;
					IF $1 IS NULL OR $2 IS NULL OR octet_length($2) < 8000 THEN
						RAISE EXCEPTION 'pigeon_overflow_store takes a channel and a payload too large to notify';
					END IF;
					change := $2::jsonb;
					IF jsonb_typeof(change) IS DISTINCT FROM 'object'
							OR (change ->> 'action') NOT IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')
							OR jsonb_typeof(change -> 'schema') IS DISTINCT FROM 'string'
							OR jsonb_typeof(change -> 'table') IS DISTINCT FROM 'string'
							OR jsonb_typeof(change -> 'seq') IS DISTINCT FROM 'number'
							OR (change ->> 'txid') IS DISTINCT FROM txid_current()::text THEN
						RAISE EXCEPTION 'pigeon_overflow_store takes only a change of the calling transaction';
					END IF;
					INSERT INTO "My ""$pigeon$"" Schema"."pigeon_overflow" (channel, payload) VALUES ($1, $2) RETURNING id INTO stored;
					RETURN stored;
				END
				$pigeon1$;
				GRANT EXECUTE ON FUNCTION "My ""$pigeon$"" Schema"."pigeon_overflow_store"(text, text) TO PUBLIC;
				""");
	}

	@Test
	void createFunctionForDefaultRowTrigger() {
		assertThat(this.generator.createFunction(items(ROW, AFTER, INSERT, UPDATE, DELETE))).isEqualTo("""
				CREATE FUNCTION "public"."pigeon_items_notify_fn"()
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
					head := '{"action":"' || TG_OP || '","schema":"public","table":"items","txid":' || txid_current()
						|| ',"seq":' || seq || ',"ts":' || (extract(epoch FROM clock_timestamp()) * 1000000)::bigint;
					IF TG_OP = 'DELETE' THEN
						payload := head || ',"data":' || to_json(OLD) || '}';
					ELSE
						payload := head || ',"data":' || to_json(NEW) || '}';
					END IF;
					IF octet_length(payload) >= 8000 THEN
						payload := head || ',"overflow":' || "pigeon"."pigeon_overflow_store"('items', payload) || '}';
					END IF;
					PERFORM pg_notify('items', payload);
					RETURN NULL;
				END
				$pigeon$""");
	}

	@Test
	void createTriggerForDefaultRowTrigger() {
		assertThat(this.generator.createTrigger(items(ROW, AFTER, INSERT, UPDATE, DELETE))).isEqualTo("""
				CREATE TRIGGER "pigeon_items_notify"
				AFTER INSERT OR UPDATE OR DELETE ON "public"."items"
				FOR EACH ROW
				WHEN (pg_catalog.current_setting('pigeon.silence', true) IS DISTINCT FROM 'on')
				EXECUTE FUNCTION "public"."pigeon_items_notify_fn"()""");
	}

	@Test
	void createOrReplaceDiffersOnlyInCommand() {
		TriggerDefinition definition = items(ROW, AFTER, INSERT, UPDATE, DELETE);
		assertThat(this.generator.createOrReplaceFunction(definition))
			.isEqualTo(this.generator.createFunction(definition)
				.replaceFirst("^CREATE FUNCTION ", "CREATE OR REPLACE FUNCTION "));
		assertThat(this.generator.createOrReplaceTrigger(definition))
			.isEqualTo(this.generator.createTrigger(definition).replaceFirst("^CREATE TRIGGER ", "CREATE OR REPLACE TRIGGER "));
	}

	@Test
	void eventsAreWrittenInCanonicalOrder() {
		TriggerDefinition reordered = items(ROW, AFTER, DELETE, INSERT, UPDATE);
		TriggerDefinition canonical = items(ROW, AFTER, INSERT, UPDATE, DELETE);
		assertThat(this.generator.createTrigger(reordered)).isEqualTo(this.generator.createTrigger(canonical));
		assertThat(this.generator.createFunction(reordered)).isEqualTo(this.generator.createFunction(canonical));
	}

	@Test
	void createFunctionForAfterInsertOnly() {
		assertThat(body(this.generator.createFunction(items(ROW, AFTER, INSERT)))).isEqualTo("""
					payload := head || ',"data":' || to_json(NEW) || '}';
					IF octet_length(payload) >= 8000 THEN
						payload := head || ',"overflow":' || "pigeon"."pigeon_overflow_store"('items', payload) || '}';
					END IF;
					PERFORM pg_notify('items', payload);
					RETURN NULL;
				END
				""");
	}

	@Test
	void createFunctionForAfterDeleteOnly() {
		assertThat(body(this.generator.createFunction(items(ROW, AFTER, DELETE)))).startsWith("""
					payload := head || ',"data":' || to_json(OLD) || '}';
					IF octet_length(payload) >= 8000 THEN
				""").endsWith("""
					RETURN NULL;
				END
				""");
	}

	@Test
	void createFunctionForBeforeRowTriggerReturnsTheRowItWasGiven() {
		assertThat(body(this.generator.createFunction(items(ROW, BEFORE, INSERT, UPDATE, DELETE)))).isEqualTo("""
					IF TG_OP = 'DELETE' THEN
						payload := head || ',"data":' || to_json(OLD) || '}';
					ELSE
						payload := head || ',"data":' || to_json(NEW) || '}';
					END IF;
					IF octet_length(payload) >= 8000 THEN
						payload := head || ',"overflow":' || "pigeon"."pigeon_overflow_store"('items', payload) || '}';
					END IF;
					PERFORM pg_notify('items', payload);
					IF TG_OP = 'DELETE' THEN
						RETURN OLD;
					END IF;
					RETURN NEW;
				END
				""");
		assertThat(this.generator.createTrigger(items(ROW, BEFORE, INSERT, UPDATE, DELETE))).isEqualTo("""
				CREATE TRIGGER "pigeon_items_notify"
				BEFORE INSERT OR UPDATE OR DELETE ON "public"."items"
				FOR EACH ROW
				WHEN (pg_catalog.current_setting('pigeon.silence', true) IS DISTINCT FROM 'on')
				EXECUTE FUNCTION "public"."pigeon_items_notify_fn"()""");
	}

	@Test
	void createFunctionForBeforeInsertReturnsNew() {
		assertThat(body(this.generator.createFunction(items(ROW, BEFORE, INSERT)))).endsWith("""
					PERFORM pg_notify('items', payload);
					RETURN NEW;
				END
				""");
	}

	@Test
	void createFunctionForBeforeDeleteReturnsOld() {
		assertThat(body(this.generator.createFunction(items(ROW, BEFORE, DELETE)))).endsWith("""
					PERFORM pg_notify('items', payload);
					RETURN OLD;
				END
				""");
	}

	@Test
	void beforeUpdateOfColumns() {
		TriggerDefinition definition = new TriggerDefinition("public", "items", "items_before_update", "items_before_update_fn",
				"items", List.of(), false, ROW, List.of(UPDATE), List.of("item_description", "price"), BEFORE);
		assertThat(this.generator.createTrigger(definition)).isEqualTo("""
				CREATE TRIGGER "items_before_update"
				BEFORE UPDATE OF "item_description", "price" ON "public"."items"
				FOR EACH ROW
				WHEN (pg_catalog.current_setting('pigeon.silence', true) IS DISTINCT FROM 'on')
				EXECUTE FUNCTION "public"."items_before_update_fn"()""");
		assertThat(body(this.generator.createFunction(definition))).isEqualTo("""
					payload := head || ',"data":' || to_json(NEW) || '}';
					IF octet_length(payload) >= 8000 THEN
						payload := head || ',"overflow":' || "pigeon"."pigeon_overflow_store"('items', payload) || '}';
					END IF;
					PERFORM pg_notify('items', payload);
					RETURN NEW;
				END
				""");
	}

	@Test
	void updateOfAmongSeveralEvents() {
		TriggerDefinition definition = new TriggerDefinition("public", "items", "t", "f", "items", List.of(), false,
				ROW, List.of(DELETE, UPDATE, INSERT), List.of("price"), AFTER);
		assertThat(this.generator.createTrigger(definition)).isEqualTo("""
				CREATE TRIGGER "t"
				AFTER INSERT OR UPDATE OF "price" OR DELETE ON "public"."items"
				FOR EACH ROW
				WHEN (pg_catalog.current_setting('pigeon.silence', true) IS DISTINCT FROM 'on')
				EXECUTE FUNCTION "public"."f"()""");
	}

	@Test
	void insteadOfInsertAndUpdateOnView() {
		TriggerDefinition definition = new TriggerDefinition("public", "items_view", "items_view_notify",
				"items_view_notify_fn", "items_view", List.of(), false, ROW, List.of(INSERT, UPDATE), List.of(),
				INSTEAD_OF);
		assertThat(this.generator.createTrigger(definition)).isEqualTo("""
				CREATE TRIGGER "items_view_notify"
				INSTEAD OF INSERT OR UPDATE ON "public"."items_view"
				FOR EACH ROW
				EXECUTE FUNCTION "public"."items_view_notify_fn"()""");
		assertThat(body(this.generator.createFunction(definition))).isEqualTo("""
					payload := head || ',"data":' || to_json(NEW) || '}';
					IF octet_length(payload) >= 8000 THEN
						payload := head || ',"overflow":' || "pigeon"."pigeon_overflow_store"('items_view', payload) || '}';
					END IF;
					PERFORM pg_notify('items_view', payload);
					RETURN NEW;
				END
				""");
	}

	@Test
	void insteadOfDeleteReturnsOld() {
		TriggerDefinition definition = new TriggerDefinition("public", "v", "t", "f", "v", List.of(), false, ROW,
				List.of(DELETE), List.of(), INSTEAD_OF);
		assertThat(body(this.generator.createFunction(definition))).endsWith("""
					RETURN OLD;
				END
				""");
	}

	@Test
	void selectedColumnsWithIncludeOld() {
		TriggerDefinition definition = new TriggerDefinition("public", "items", "t", "f", "items",
				List.of("item_no", "item_description"), true, ROW, List.of(INSERT, UPDATE, DELETE), List.of(), AFTER);
		assertThat(body(this.generator.createFunction(definition))).isEqualTo("""
					IF TG_OP = 'DELETE' THEN
						payload := head || ',"data":' || json_build_object('item_no', OLD."item_no", 'item_description', OLD."item_description") || '}';
					ELSIF TG_OP = 'UPDATE' THEN
						payload := head || ',"data":' || json_build_object('item_no', NEW."item_no", 'item_description', NEW."item_description")
							|| ',"old":' || json_build_object('item_no', OLD."item_no", 'item_description', OLD."item_description") || '}';
					ELSE
						payload := head || ',"data":' || json_build_object('item_no', NEW."item_no", 'item_description', NEW."item_description") || '}';
					END IF;
					IF octet_length(payload) >= 8000 THEN
						payload := head || ',"overflow":' || "pigeon"."pigeon_overflow_store"('items', payload) || '}';
					END IF;
					PERFORM pg_notify('items', payload);
					RETURN NULL;
				END
				""");
	}

	@Test
	void includeOldOnUpdateOnly() {
		TriggerDefinition definition = new TriggerDefinition("public", "items", "t", "f", "items", List.of(), true,
				ROW, List.of(UPDATE), List.of(), AFTER);
		assertThat(body(this.generator.createFunction(definition))).startsWith("""
					payload := head || ',"data":' || to_json(NEW)
						|| ',"old":' || to_json(OLD) || '}';
					IF octet_length(payload) >= 8000 THEN
				""");
	}

	@Test
	void includeOldWithUpdateAndDelete() {
		TriggerDefinition definition = new TriggerDefinition("public", "items", "t", "f", "items", List.of(), true,
				ROW, List.of(UPDATE, DELETE), List.of(), AFTER);
		assertThat(body(this.generator.createFunction(definition))).startsWith("""
					IF TG_OP = 'DELETE' THEN
						payload := head || ',"data":' || to_json(OLD) || '}';
					ELSE
						payload := head || ',"data":' || to_json(NEW)
							|| ',"old":' || to_json(OLD) || '}';
					END IF;
				""");
	}

	@Test
	void moreColumnsThanOneJsonBuildObjectTakesAreJoined() {
		List<String> columns = IntStream.rangeClosed(1, 101).mapToObj((i) -> "c" + i).toList();
		TriggerDefinition definition = new TriggerDefinition("public", "wide", "t", "f", "wide", columns, false, ROW,
				List.of(INSERT), List.of(), AFTER);
		String data = body(this.generator.createFunction(definition)).lines().findFirst().orElseThrow();
		assertThat(data).isEqualTo("\tpayload := head || ',\"data\":' || left(" + jsonBuildObject(1, 50)
				+ "::text, -1) || ', ' || left(substr(" + jsonBuildObject(51, 100) + "::text, 2), -1) || ', ' || substr("
				+ jsonBuildObject(101, 101) + "::text, 2) || '}';");
	}

	private static String jsonBuildObject(int first, int last) {
		return IntStream.rangeClosed(first, last)
			.mapToObj((i) -> "'c" + i + "', NEW.\"c" + i + "\"")
			.collect(Collectors.joining(", ", "json_build_object(", ")"));
	}

	@Test
	void namesAreQuotedAndEncoded() {
		TriggerDefinition definition = new TriggerDefinition("Order Items", "it\"ems", "MiXeD",
				"items; drop table x", "Orders", List.of("it's", "items; drop table x", "a\\b"), false, ROW,
				List.of(INSERT, UPDATE), List.of("items; drop table x"), BEFORE);
		assertThat(this.generator.createTrigger(definition)).isEqualTo("""
				CREATE TRIGGER "MiXeD"
				BEFORE INSERT OR UPDATE OF "items; drop table x" ON "Order Items"."it""ems"
				FOR EACH ROW
				WHEN (pg_catalog.current_setting('pigeon.silence', true) IS DISTINCT FROM 'on')
				EXECUTE FUNCTION "Order Items"."items; drop table x"()""");
		assertThat(this.generator.createFunction(definition)).isEqualTo("""
				CREATE FUNCTION "Order Items"."items; drop table x"()
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
					head := '{"action":"' || TG_OP || '","schema":"Order Items","table":"it\\"ems","txid":' || txid_current()
						|| ',"seq":' || seq || ',"ts":' || (extract(epoch FROM clock_timestamp()) * 1000000)::bigint;
					payload := head || ',"data":' || json_build_object('it''s', NEW."it's", 'items; drop table x', NEW."items; drop table x", 'a\\b', NEW."a\\b") || '}';
					IF octet_length(payload) >= 8000 THEN
						payload := head || ',"overflow":' || "pigeon"."pigeon_overflow_store"('Orders', payload) || '}';
					END IF;
					PERFORM pg_notify('Orders', payload);
					RETURN NEW;
				END
				$pigeon$""");
	}

	@Test
	void jsonOfNamesEscapesQuotesBackslashesAndControlCharactersInsideTheLiteral() {
		TriggerDefinition definition = new TriggerDefinition("s'\\", "t\n", "t", "f", "c", List.of(), false, ROW,
				List.of(INSERT), List.of(), AFTER);
		assertThat(this.generator.createFunction(definition))
			.contains("'\",\"schema\":\"s''\\\\\",\"table\":\"t\\n\",\"txid\":'");
	}

	@Test
	void dollarQuoteTagAvoidsTagsInTheBody() {
		TriggerDefinition definition = new TriggerDefinition("public", "items", "t", "f", "$pigeon$", List.of(),
				false, ROW, List.of(INSERT), List.of(), AFTER);
		String sql = this.generator.createFunction(definition);
		assertThat(sql).contains("\nAS $pigeon1$\nDECLARE\n").endsWith("END\n$pigeon1$");
		assertThat(sql).contains("PERFORM pg_notify('$pigeon$', payload);");
	}

	@Test
	void statementTriggerOnOneEventCountsRows() {
		TriggerDefinition definition = items(STATEMENT, AFTER, UPDATE);
		assertThat(this.generator.createTrigger(definition)).isEqualTo("""
				CREATE TRIGGER "pigeon_items_notify"
				AFTER UPDATE ON "public"."items"
				REFERENCING NEW TABLE AS "pigeon_rows"
				FOR EACH STATEMENT
				WHEN (pg_catalog.current_setting('pigeon.silence', true) IS DISTINCT FROM 'on')
				EXECUTE FUNCTION "public"."pigeon_items_notify_fn"()""");
		assertThat(this.generator.createFunction(definition)).isEqualTo("""
				CREATE FUNCTION "public"."pigeon_items_notify_fn"()
				RETURNS trigger
				LANGUAGE plpgsql
				SET search_path = pg_catalog, pg_temp
				SET standard_conforming_strings = on
				AS $pigeon$
				DECLARE
					seq bigint := set_config('pigeon.seq', (coalesce(nullif(current_setting('pigeon.seq', true), ''), '0')::bigint + 1)::text, true);
				BEGIN
					PERFORM pg_notify('items', '{"action":"' || TG_OP || '","schema":"public","table":"items","txid":' || txid_current()
						|| ',"seq":' || seq || ',"ts":' || (extract(epoch FROM clock_timestamp()) * 1000000)::bigint
						|| ',"count":' || (SELECT count(*) FROM "pigeon_rows") || '}');
					RETURN NULL;
				END
				$pigeon$""");
		assertThat(TriggerSqlGenerator.countsRows(definition)).isTrue();
	}

	@Test
	void statementTriggerOnInsertReferencesNewTable() {
		assertThat(this.generator.createTrigger(items(STATEMENT, AFTER, INSERT)))
			.contains("\nAFTER INSERT ON \"public\".\"items\"\nREFERENCING NEW TABLE AS \"pigeon_rows\"\n");
	}

	@Test
	void statementTriggerOnDeleteReferencesOldTable() {
		assertThat(this.generator.createTrigger(items(STATEMENT, AFTER, DELETE)))
			.contains("\nAFTER DELETE ON \"public\".\"items\"\nREFERENCING OLD TABLE AS \"pigeon_rows\"\n");
	}

	@Test
	void statementTriggerOnSeveralEventsHasNoCount() {
		TriggerDefinition definition = items(STATEMENT, AFTER, INSERT, UPDATE, DELETE, TRUNCATE);
		assertThat(this.generator.createTrigger(definition)).isEqualTo("""
				CREATE TRIGGER "pigeon_items_notify"
				AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "public"."items"
				FOR EACH STATEMENT
				WHEN (pg_catalog.current_setting('pigeon.silence', true) IS DISTINCT FROM 'on')
				EXECUTE FUNCTION "public"."pigeon_items_notify_fn"()""");
		assertThat(this.generator.createFunction(definition)).endsWith("""
				BEGIN
					PERFORM pg_notify('items', '{"action":"' || TG_OP || '","schema":"public","table":"items","txid":' || txid_current()
						|| ',"seq":' || seq || ',"ts":' || (extract(epoch FROM clock_timestamp()) * 1000000)::bigint || '}');
					RETURN NULL;
				END
				$pigeon$""");
		assertThat(TriggerSqlGenerator.countsRows(definition)).isFalse();
	}

	@Test
	void statementTriggersWithoutCount() {
		List<TriggerDefinition> definitions = List.of(items(STATEMENT, BEFORE, INSERT),
				items(STATEMENT, AFTER, TRUNCATE), items(STATEMENT, AFTER, INSERT, DELETE),
				new TriggerDefinition("public", "items", "t", "f", "items", List.of(), false, STATEMENT,
						List.of(UPDATE), List.of("price"), AFTER));
		for (TriggerDefinition definition : definitions) {
			assertThat(TriggerSqlGenerator.countsRows(definition)).as(definition.toString()).isFalse();
			assertThat(this.generator.createTrigger(definition)).as(definition.toString())
				.doesNotContain("REFERENCING");
			assertThat(this.generator.createFunction(definition)).as(definition.toString())
				.doesNotContain("count")
				.contains("::bigint || '}');\n");
		}
	}

	@Test
	void truncateAtStatementLevel() {
		assertThat(this.generator.createTrigger(items(STATEMENT, AFTER, TRUNCATE))).isEqualTo("""
				CREATE TRIGGER "pigeon_items_notify"
				AFTER TRUNCATE ON "public"."items"
				FOR EACH STATEMENT
				WHEN (pg_catalog.current_setting('pigeon.silence', true) IS DISTINCT FROM 'on')
				EXECUTE FUNCTION "public"."pigeon_items_notify_fn"()""");
	}

	@Test
	void rowTriggersNeverCountRows() {
		assertThat(TriggerSqlGenerator.countsRows(items(ROW, AFTER, INSERT))).isFalse();
	}

	@Test
	void anotherSinkHandsOnTheSamePayload() {
		PayloadSink log = new PayloadSink() {

			@Override
			public String handOnRow(TriggerDefinition definition) {
				return "\tINSERT INTO log (payload) VALUES (payload);\n";
			}

			@Override
			public String handOnStatement(TriggerDefinition definition, String payload) {
				return "\tINSERT INTO log (payload) VALUES (" + payload + ");\n";
			}

		};
		TriggerSqlGenerator logging = new TriggerSqlGenerator("pigeon", log);
		NotifySink notify = new NotifySink("pigeon");
		TriggerDefinition row = items(ROW, AFTER, INSERT, UPDATE, DELETE);
		assertThat(logging.createFunction(row)).isEqualTo(this.generator.createFunction(row)
			.replace(notify.handOnRow(row), "\tINSERT INTO log (payload) VALUES (payload);\n"));
		TriggerDefinition statement = items(STATEMENT, AFTER, INSERT);
		assertThat(logging.createFunction(statement)).doesNotContain("pg_notify").endsWith("""
				BEGIN
					INSERT INTO log (payload) VALUES ('{"action":"' || TG_OP || '","schema":"public","table":"items","txid":' || txid_current()
						|| ',"seq":' || seq || ',"ts":' || (extract(epoch FROM clock_timestamp()) * 1000000)::bigint
						|| ',"count":' || (SELECT count(*) FROM "pigeon_rows") || '}');
					RETURN NULL;
				END
				$pigeon$""");
		assertThat(logging.createTrigger(row)).isEqualTo(this.generator.createTrigger(row));
	}

	@Test
	void notifySinkStoresOverflowingRowPayloads() {
		assertThat(new NotifySink("My Schema").handOnRow(items(ROW, AFTER, INSERT))).isEqualTo("""
					IF octet_length(payload) >= 8000 THEN
						payload := head || ',"overflow":' || "My Schema"."pigeon_overflow_store"('items', payload) || '}';
					END IF;
					PERFORM pg_notify('items', payload);
				""");
	}

	@Test
	void rejectsChannelPostgresqlWouldRefuse() {
		TriggerDefinition definition = new TriggerDefinition("public", "items", "t", "f", "c".repeat(64), List.of(),
				false, ROW, List.of(INSERT), List.of(), AFTER);
		assertThatIllegalArgumentException().isThrownBy(() -> this.generator.createFunction(definition))
			.withMessageContaining("channel: the channel name \"" + "c".repeat(64) + "\" is 64 bytes");
	}

	@Test
	void dropTrigger() {
		assertThat(this.generator.dropTrigger("Order Items", "it\"ems", "MiXeD"))
			.isEqualTo("DROP TRIGGER IF EXISTS \"MiXeD\" ON \"Order Items\".\"it\"\"ems\"");
	}

	@Test
	void dropFunction() {
		assertThat(this.generator.dropFunction("Order Items", "items; drop table x"))
			.isEqualTo("DROP FUNCTION IF EXISTS \"Order Items\".\"items; drop table x\"()");
	}

	@Test
	void rejectsTruncateAtRowLevel() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.generator.createTrigger(items(ROW, AFTER, TRUNCATE)))
			.withMessage("Trigger 'pigeon_items_notify' on 'public.items': events[0]: truncate triggers fire only at "
					+ "statement level. Set 'level' to statement, or remove truncate.");
	}

	@Test
	void rejectsInsteadOfAtStatementLevel() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.generator.createFunction(items(STATEMENT, INSTEAD_OF, INSERT)))
			.withMessageContaining("level: instead-of triggers fire only at row level.");
	}

	@Test
	void rejectsInsteadOfWithUpdateOf() {
		TriggerDefinition definition = new TriggerDefinition("public", "v", "t", "f", "v", List.of(), false, ROW,
				List.of(UPDATE), List.of("a"), INSTEAD_OF);
		assertThatIllegalArgumentException().isThrownBy(() -> this.generator.createTrigger(definition))
			.withMessageContaining("update-of: instead-of triggers cannot be restricted to columns.");
	}

	@Test
	void rejectsNoEvents() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.generator.createTrigger(items(ROW, AFTER)))
			.withMessageContaining("events: no event is configured.");
	}

	@Test
	void rejectsRepeatedEvent() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.generator.createTrigger(items(ROW, AFTER, INSERT, INSERT)))
			.withMessageContaining("events[1]: insert is listed twice.");
	}

	@Test
	void rejectsRepeatedColumn() {
		TriggerDefinition definition = new TriggerDefinition("public", "items", "t", "f", "items",
				List.of("a", "b", "a"), false, ROW, List.of(INSERT), List.of(), AFTER);
		assertThatIllegalArgumentException().isThrownBy(() -> this.generator.createFunction(definition))
			.withMessageContaining("columns[2]: column \"a\" is listed twice.");
	}

	@Test
	void rejectsUpdateOfWithoutUpdate() {
		TriggerDefinition definition = new TriggerDefinition("public", "items", "t", "f", "items", List.of(), false,
				ROW, List.of(INSERT), List.of("a"), AFTER);
		assertThatIllegalArgumentException().isThrownBy(() -> this.generator.createTrigger(definition))
			.withMessageContaining("update-of: update-of needs the update event. Add update to 'events'");
	}

	@Test
	void rejectsIncludeOldWithoutUpdate() {
		TriggerDefinition definition = new TriggerDefinition("public", "items", "t", "f", "items", List.of(), true,
				ROW, List.of(INSERT, DELETE), List.of(), AFTER);
		assertThatIllegalArgumentException().isThrownBy(() -> this.generator.createFunction(definition))
			.withMessageContaining("include-old: include-old sends the old values of an UPDATE, and update is not "
					+ "among the events.");
	}

	@Test
	void rejectsRowDataOptionsAtStatementLevel() {
		TriggerDefinition columns = new TriggerDefinition("public", "items", "t", "f", "items", List.of("a"), false,
				STATEMENT, List.of(INSERT), List.of(), AFTER);
		TriggerDefinition includeOld = new TriggerDefinition("public", "items", "t", "f", "items", List.of(), true,
				STATEMENT, List.of(UPDATE), List.of(), AFTER);
		assertThatIllegalArgumentException().isThrownBy(() -> this.generator.createFunction(columns))
			.withMessageContaining("columns: statement-level payloads carry no row data, so no columns can be chosen.");
		assertThatIllegalArgumentException().isThrownBy(() -> this.generator.createFunction(includeOld))
			.withMessageContaining("include-old: statement-level payloads carry no row data, so no old values.");
	}

	@Test
	void rejectsEmptyChannelAndNames() {
		TriggerDefinition channel = new TriggerDefinition("public", "items", "t", "f", "", List.of(), false, ROW,
				List.of(INSERT), List.of(), AFTER);
		TriggerDefinition function = new TriggerDefinition("public", "items", "t", "", "c", List.of(), false, ROW,
				List.of(INSERT), List.of(), AFTER);
		assertThatIllegalArgumentException().isThrownBy(() -> this.generator.createFunction(channel))
			.withMessageContaining("channel: the channel name is empty.");
		assertThatIllegalArgumentException().isThrownBy(() -> this.generator.createFunction(function))
			.withMessage("An SQL identifier must not be empty");
		assertThatIllegalArgumentException().isThrownBy(() -> new TriggerSqlGenerator(""));
	}

	@Test
	void definitionCopiesListsAndRejectsNulls() {
		ArrayList<String> columns = new ArrayList<>(List.of("a"));
		TriggerDefinition definition = new TriggerDefinition("public", "items", "t", "f", "c", columns, false, ROW,
				List.of(INSERT), List.of(), AFTER);
		columns.add("b");
		assertThat(definition.columns()).containsExactly("a");
		assertThatNullPointerException()
			.isThrownBy(() -> new TriggerDefinition("public", "items", "t", "f", "c", Arrays.asList("a", null),
					false, ROW, List.of(INSERT), List.of(), AFTER));
		assertThatNullPointerException()
			.isThrownBy(() -> new TriggerDefinition("public", null, "t", "f", "c", List.of(), false, ROW,
					List.of(INSERT), List.of(), AFTER))
			.withMessage("table must not be null");
	}

	private static TriggerDefinition items(TriggerLevel level, TriggerTiming timing, PigeonAction... events) {
		return new TriggerDefinition("public", "items", "pigeon_items_notify", "pigeon_items_notify_fn", "items",
				List.of(), false, level, List.of(events), List.of(), timing);
	}

	/**
	 * The function body from the first statement after the payload's head to {@code END}.
	 */
	private static String body(String function) {
		String start = "(extract(epoch FROM clock_timestamp()) * 1000000)::bigint;\n";
		return function.substring(function.indexOf(start) + start.length(), function.lastIndexOf("$pigeon$"));
	}

}
