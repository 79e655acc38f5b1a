package io.pigeon.internal.install;

import java.util.List;

import io.pigeon.PigeonAction;
import io.pigeon.TriggerLevel;
import io.pigeon.TriggerTiming;
import io.pigeon.internal.sql.TriggerDefinition;
import io.pigeon.internal.sql.TriggerSqlGenerator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ScriptChecksum}: a change in how the generator lays out its SQL keeps the
 * checksum, so it re-installs nothing; any change in what the SQL does changes it.
 */
class ScriptChecksumTests {

	private static final String FUNCTION = """
			CREATE FUNCTION "shop"."items_fn"()
			RETURNS trigger
			LANGUAGE plpgsql
			AS $pigeon$
			DECLARE
				payload text;
			BEGIN
				-- the head of every payload
				payload := '{"action":"' || TG_OP || '", "table":"items  list"}';
				PERFORM pg_notify('items', payload);
				RETURN NULL;
			END
			$pigeon$;""";

	@Test
	void checksumIsTheSha256OfTheNormalisedSqlInHexadecimal() {
		assertThat(ScriptChecksum.of("SELECT  1")).matches("[0-9a-f]{64}")
			.isEqualTo(Sha256.hex("SELECT 1"))
			// SHA-256 of "SELECT 1"
			.isEqualTo("e004ebd5b5532a4b85984a62f8ad48a81aa3460c1ca07701f386135d72cdecf5");
	}

	@Test
	void layoutOutsideLiteralsDoesNotChangeTheChecksum() {
		String relaidOut = """
				CREATE  FUNCTION "shop"."items_fn" ( )
				    RETURNS trigger LANGUAGE plpgsql
				AS $pigeon$
				    DECLARE payload text ;
				    BEGIN
				        /* the head of /* every */ payload */
				        payload := '{"action":"' || TG_OP || '", "table":"items  list"}';

				        PERFORM pg_notify( 'items', payload );
				        RETURN NULL;
				    END
				$pigeon$ ;
				""";
		assertThat(ScriptChecksum.of(relaidOut)).isEqualTo(ScriptChecksum.of(FUNCTION));
		assertThat(ScriptChecksum.normalise(FUNCTION)).isEqualTo("CREATE FUNCTION \"shop\".\"items_fn\"()RETURNS"
				+ " trigger LANGUAGE plpgsql AS $pigeon$ DECLARE payload text;BEGIN payload := '{\"action\":\"'"
				+ " || TG_OP || '\", \"table\":\"items  list\"}';PERFORM pg_notify('items',payload);RETURN NULL;END"
				+ " $pigeon$;");
	}

	@Test
	void everyChangeInWhatTheSqlDoesChangesTheChecksum() {
		String checksum = ScriptChecksum.of(FUNCTION);
		assertThat(List.of(FUNCTION.replace("\"items  list\"", "\"items list\""),
				FUNCTION.replace("'items'", "'items '"), FUNCTION.replace("\"items_fn\"", "\"items fn\""),
				FUNCTION.replace("TG_OP", "TG_TABLE_NAME"), FUNCTION.replace("RETURN NULL", "RETURN NEW"),
				FUNCTION.replace("PERFORM", "PER FORM"), FUNCTION.replace("$pigeon$;", "$pigeon$;\nSELECT 1;")))
			.allSatisfy((changed) -> assertThat(ScriptChecksum.of(changed)).isNotEqualTo(checksum));
	}

	@Test
	void literalsAndQuotedIdentifiersKeepTheirWhitespaceAndNestedDollarQuotesTooInBodies() {
		assertThat(ScriptChecksum.normalise("SELECT  'a  ''b  c'' ',  \"x  \"\"y\"\"\"  FROM  t"))
			.isEqualTo("SELECT 'a  ''b  c'' ',\"x  \"\"y\"\"\" FROM t");
		assertThat(ScriptChecksum.normalise("SELECT  E'a\\'  b'  ,  x")).isEqualTo("SELECT E'a\\'  b',x");
		assertThat(ScriptChecksum.normalise("AS $$ BEGIN  PERFORM  $q$ a  b $q$ ;  END $$"))
			.isEqualTo("AS $$ BEGIN PERFORM $q$ a  b $q$;END $$");
		assertThat(ScriptChecksum.normalise("SELECT  $1,  a$b  FROM  t")).isEqualTo("SELECT $1,a$b FROM t");
		assertThat(ScriptChecksum.normalise("SELECT 1 -- comment\n  , 2")).isEqualTo("SELECT 1,2");
	}

	@Test
	void generatedTriggerSqlLaidOutDifferentlyKeepsItsChecksumAndAnotherColumnChangesIt() {
		InstallScripts scripts = new InstallScripts(new TriggerSqlGenerator("pigeon"),
				new InstallHistory("pigeon", "pigeon_schema_history"));
		TriggerDefinition definition = definition(List.of("id", "name"));
		TriggerScript script = scripts.trigger(definition);
		String relaidOut = (script.createFunction() + "\n" + script.createTrigger()).replace("\t", "    ")
			.replace("\n", "\n\n  ");
		assertThat(ScriptChecksum.of(relaidOut)).isEqualTo(script.checksum());
		assertThat(scripts.trigger(definition(List.of("id", "price"))).checksum()).isNotEqualTo(script.checksum());
		assertThat(scripts.trigger(definition).checksum()).isEqualTo(script.checksum());
	}

	private static TriggerDefinition definition(List<String> columns) {
		return new TriggerDefinition("shop", "items", "items_notify", "items_notify_fn", "items", columns, false,
				TriggerLevel.ROW, List.of(PigeonAction.INSERT, PigeonAction.UPDATE), List.of(), TriggerTiming.AFTER);
	}

}
