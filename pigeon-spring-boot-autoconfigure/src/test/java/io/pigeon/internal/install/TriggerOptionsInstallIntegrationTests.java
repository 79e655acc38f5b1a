package io.pigeon.internal.install;

import java.sql.SQLException;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Integration tests for the installer with the trigger options: every problem of a condition,
 * a change filter or the new payload keys is reported at its property path before any DDL,
 * PostgreSQL itself checks the condition in a transaction that is rolled back, and the options
 * are part of each trigger's checksum.
 */
class TriggerOptionsInstallIntegrationTests extends InstallIntegrationTestSupport {

	private static final String T0 = "pigeon.schemas[0].tables[0].triggers[0]";

	private static final String T1 = "pigeon.schemas[0].tables[0].triggers[1]";

	private String orders;

	@BeforeEach
	void createTable() throws SQLException {
		this.orders = this.schema + ".orders";
		sql("CREATE TABLE " + this.orders + " (id int, status text, updated_at timestamptz)");
	}

	@Test
	void aBadConditionFailsStartUpAtItsPathWithTheCatalogUnchanged() throws SQLException {
		PigeonInstallException failure = startFailsChangingNothing(
				table("orders", "name=watch", "condition=NEW.nope > 0"));
		assertThat(failure.getProblems()).hasSize(1);
		InstallProblem problem = failure.getProblems().get(0);
		assertThat(problem.path()).isEqualTo(T0 + ".condition");
		assertThat(problem.description()).startsWith("the condition does not compile on \"" + this.schema
				+ "\".\"orders\": ")
			.contains("nope");
		assertThat(problem.action()).contains("WHEN clause");
		assertThat(rows("SELECT count(*) FROM pg_proc WHERE proname LIKE 'pigeon_trial%'")).containsExactly("0");
	}

	@Test
	void oldInTheConditionOfAnInsertTriggerIsReportedAtThePath() throws SQLException {
		PigeonInstallException failure = startFailsChangingNothing(
				table("orders", "name=watch", "events=insert", "condition=OLD.status IS DISTINCT FROM NEW.status"));
		assertThat(failure.getProblems()).extracting(InstallProblem::toString)
			.singleElement()
			.asString()
			.startsWith(T0 + ".condition: the condition reads OLD, and an insert has no old row");
		assertThat(failure.getProblems().get(0).action()).contains(T0 + ".events");
	}

	@Test
	void everyProblemOfTheOptionsIsReportedTogether() throws SQLException {
		PigeonInstallException failure = startFailsChangingNothing(concat(
				table("orders", "name=watch", "changed-only=true", "ignore-columns=nope",
						"context.user=not a setting", "include-rows=true"),
				T1 + ".name=other", T1 + ".events=update", T1 + ".condition=NEW.status <> 'draft' AND"));
		// the rules' problems of one trigger and PostgreSQL's verdict on another's condition, together
		assertThat(failure.getProblems()).extracting(InstallProblem::path)
			.containsExactly(T0 + ".changed-only", T0 + ".ignore-columns", T0 + ".context.user", T0 + ".include-rows",
					T0 + ".ignore-columns[0]", T1 + ".condition");
		assertThat(failure.getProblems().get(0).action()).contains(T0 + ".events' to [update]");
	}

	@Test
	void aConditionThatCompilesIsInstalledAndChangingItReinstallsThatTriggerOnly() throws SQLException {
		String[] two = concat(table("orders", "name=watch", "events=update", "condition=NEW.status <> 'draft'"),
				T1 + ".name=other", T1 + ".events=insert");
		assertThat(install(two).installed()).isEqualTo(2);
		assertThat(rows("SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname = 'watch'")).singleElement()
			.asString()
			.contains("WHEN (((current_setting('pigeon.silence'::text, true) IS DISTINCT FROM 'on'::text) AND "
					+ "(new.status <> 'draft'::text)))");
		InstallSummary again = install(concat(
				table("orders", "name=watch", "events=update", "condition=NEW.status <> 'paid'"), T1 + ".name=other",
				T1 + ".events=insert"));
		assertThat(again.installed()).isEqualTo(1);
		assertThat(again.unchanged()).isEqualTo(1);
		assertThat(install(concat(table("orders", "name=watch", "events=update", "condition=NEW.status <> 'paid'",
				"changed-only=true"), T1 + ".name=other", T1 + ".events=insert")).installed()).isEqualTo(1);
	}

	@Test
	void validateModeDetectsAHandEditedCondition() throws SQLException {
		String[] properties = table("orders", "name=watch", "events=update", "condition=NEW.status <> 'draft'");
		install(properties);
		sql("CREATE OR REPLACE TRIGGER watch AFTER UPDATE ON " + this.orders + " FOR EACH ROW WHEN (NEW.status <> 'x') "
				+ "EXECUTE FUNCTION " + this.schema + ".watch_fn()");
		PigeonInstallException failure = startFailsChangingNothing(concat(properties, "pigeon.install.mode=validate"));
		assertThat(failure.getProblems()).extracting(InstallProblem::toString)
			.containsExactly(T0 + ": trigger \"watch\" on \"" + this.schema + "\".\"orders\" was altered outside Pigeon");
	}

	@Test
	void aWholeRowComparisonPostgresqlRefusesIsBlamedOnChangedOnly() throws SQLException {
		sql("ALTER TABLE " + this.orders + " ADD COLUMN twice int GENERATED ALWAYS AS (id * 2) STORED");
		PigeonInstallException failure = startFailsChangingNothing(
				table("orders", "name=watch", "events=update", "timing=before", "changed-only=true",
						"condition=NEW.id > 0"));
		assertThat(failure.getProblems()).extracting(InstallProblem::path).containsExactly(T0 + ".changed-only");
		List<String> none = rows("SELECT count(*) FROM pg_trigger WHERE tgname = 'watch'");
		assertThat(none).containsExactly("0");
	}

	@Test
	void aDurableTriggersConditionIsCheckedAsForNotifyTriggers() throws SQLException {
		PigeonInstallException failure = startFailsChangingNothing(concat(
				table("orders", "name=watch", "delivery=durable", "condition=NEW.nope > 0"), T1 + ".name=other",
				T1 + ".delivery=durable", T1 + ".events=insert", T1 + ".condition=OLD.status <> 'x'"));
		assertThat(failure.getProblems()).extracting(InstallProblem::path)
			.containsExactly(T0 + ".condition", T1 + ".condition");
		assertThat(failure.getProblems().get(0).description()).contains("nope");
		assertThat(failure.getProblems().get(1).description()).startsWith("the condition reads OLD");
		assertThat(rows("SELECT count(*) FROM pg_proc WHERE proname LIKE 'pigeon_trial%'")).containsExactly("0");
	}

	@Test
	void aSetBasedConditionNamingAFunctionOutsidePgCatalogUnqualifiedIsRefused() throws SQLException {
		// the WHEN clause would find it on the installer's search_path; the set-based function,
		// whose search_path is pg_catalog, would fail every write
		String function = this.schema + "_big";
		sql("CREATE FUNCTION public." + function + "(int) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT $1 > 10'");
		try {
			PigeonInstallException failure = startFailsChangingNothing(table("orders", "name=watch",
					"delivery=durable", "events=insert", "condition=" + function + "(NEW.id)"));
			assertThat(failure.getProblems()).extracting(InstallProblem::path).containsExactly(T0 + ".condition");
			assertThat(failure.getProblems().get(0).description()).contains("does not exist");
			InstallSummary summary = install(table("orders", "name=watch", "delivery=durable", "events=insert",
					"condition=public." + function + "(NEW.id)"));
			assertThat(summary.installed()).isEqualTo(1);
			sql("INSERT INTO " + this.orders + " (id) VALUES (5), (50)");
			assertThat(rows("SELECT payload::json -> 'data' ->> 'id' FROM " + this.schema + ".pigeon_log"))
				.containsExactly("50");
			// checksummed like every trigger: validate accepts it, and a changed condition reinstalls it
			start(concat(table("orders", "name=watch", "delivery=durable", "events=insert",
					"condition=public." + function + "(NEW.id)"), "pigeon.install.mode=validate"));
			InstallSummary changed = install(table("orders", "name=watch", "delivery=durable", "events=insert",
					"condition=NOT public." + function + "(NEW.id)"));
			assertThat(changed.installed()).isEqualTo(1);
			sql("INSERT INTO " + this.orders + " (id) VALUES (6), (60)");
			assertThat(rows("SELECT payload::json -> 'data' ->> 'id' FROM " + this.schema + ".pigeon_log ORDER BY id"))
				.containsExactly("50", "6");
		}
		finally {
			sql("DROP FUNCTION public." + function + "(int)");
		}
	}

}
