package io.pigeon.internal.install;

import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Integration tests for installations of several owners and versions on one history table:
 * rolling deploys, rollbacks, and several applications on one database.
 */
@ExtendWith(OutputCaptureExtension.class)
class InstallOwnersIntegrationTests extends InstallIntegrationTestSupport {

	private static final String WARNING = "Pigeon: changed nothing, because the configuration of";

	@BeforeEach
	void createTables() throws SQLException {
		sql("CREATE TABLE " + this.schema + ".items (id int, name text)",
				"CREATE TABLE " + this.schema + ".orders (id int, total int)");
	}

	/**
	 * Version 1: one trigger on items. Version 2 changes it (adds a column) and adds one on
	 * orders.
	 */
	private String[] configurationA(String version, String... more) {
		return concat(concat(table("items", "name=watch_items", "columns=id"), "pigeon.install.owner=shop",
				"pigeon.install.version=" + version), more);
	}

	private String[] configurationB(String version, String... more) {
		return concat(concat(table("items", "name=watch_items", "columns=id,name"),
				"pigeon.schemas[0].tables[1].name=orders", "pigeon.schemas[0].tables[1].triggers[0].name=watch_orders",
				"pigeon.install.owner=shop", "pigeon.install.version=" + version), more);
	}

	@Test
	void olderVersionChangesNothingAndWarnsNamingWhatDiffers(CapturedOutput output) throws SQLException {
		start(configurationA("1.9"));
		start(configurationB("1.10"));
		List<String> installedByB = catalogSnapshot();
		List<String> historyOfB = history();
		start(configurationA("1.9"));
		assertThat(catalogSnapshot()).isEqualTo(installedByB);
		assertThat(history()).isEqualTo(historyOfB);
		String warning = output.getOut()
			.lines()
			.filter((line) -> line.contains(WARNING))
			.collect(Collectors.joining("\n"));
		assertThat(warning.lines()).hasSize(1);
		assertThat(warning).contains("owner 'shop' at version 1.9 is older than version 1.10")
			.contains("pigeon.schemas[0].tables[0].triggers[0] (trigger \"watch_items\" on \"" + this.schema
					+ "\".\"items\") would be replaced by this configuration's definition")
			.contains("trigger \"watch_orders\" on \"" + this.schema
					+ "\".\"orders\" would be removed: this configuration lacks it")
			.contains("pigeon.install.allow-downgrade=true");
	}

	@Test
	void olderVersionAllowedToDowngradeRestoresItsConfiguration() throws SQLException {
		start(configurationA("1.9"));
		List<String> installedByA = triggerDefinitions();
		start(configurationB("1.10"));
		assertThat(triggerDefinitions()).isNotEqualTo(installedByA);
		start(configurationA("1.9", "pigeon.install.allow-downgrade=true"));
		assertThat(triggerDefinitions()).isEqualTo(installedByA);
		assertThat(rows("SELECT action, trigger_name, version FROM \"" + this.schema
				+ "\".pigeon_schema_history WHERE action <> 'SUPPORT' ORDER BY installed_rank"))
			.containsExactly("INSTALL|watch_items|1.9", "INSTALL|watch_items|1.10", "INSTALL|watch_orders|1.10",
					"INSTALL|watch_items|1.9", "REMOVE|watch_orders|1.9");
		// After the rollback, version 1.9 is the newest its owner's triggers record: its other
		// instances start without warning, and a 1.10 instance upgrades again.
		List<String> rolledBack = catalogSnapshot();
		start(configurationA("1.9"));
		assertThat(catalogSnapshot()).isEqualTo(rolledBack);
		start(configurationB("1.10"));
		assertThat(triggers("orders")).singleElement().satisfies((row) -> assertThat(row).startsWith("watch_orders|"));
	}

	@Test
	void sameVersionFlippingActiveReinstallsAsWithoutVersions() throws SQLException {
		start(configurationA("2.0"));
		assertThat(triggers("items")).hasSize(1);
		start(configurationA("2.0", "pigeon.schemas[0].tables[0].triggers[0].active=false"));
		assertThat(triggers("items")).isEmpty();
		start(configurationA("2.0"));
		assertThat(triggers("items")).hasSize(1);
	}

	@Test
	void withoutVersionsTheLastStartWins() throws SQLException {
		start(table("items", "name=watch_items", "columns=id"));
		start(table("items", "name=watch_items", "columns=id,name"));
		assertThat(triggerDefinitions()).singleElement().asString().contains("name");
		start(table("items", "name=watch_items", "columns=id"));
		assertThat(triggerDefinitions()).singleElement().asString().doesNotContain("'name'");
	}

	@Test
	void ownersWithDisjointTablesNeverDropEachOthersTriggers() throws SQLException {
		String[] orders = concat(table("orders", "name=watch_orders"), "spring.application.name=orders-service");
		String[] stock = concat(table("items", "name=watch_items"), "spring.application.name=stock-service");
		start(orders);
		start(stock);
		List<String> both = catalogSnapshot();
		for (int i = 0; i < 3; i++) {
			start(orders);
			start(stock);
			assertThat(catalogSnapshot()).isEqualTo(both);
		}
		assertThat(rows("SELECT action, trigger_name, owner FROM \"" + this.schema
				+ "\".pigeon_schema_history WHERE action <> 'SUPPORT' ORDER BY installed_rank"))
			.containsExactly("INSTALL|watch_orders|orders-service", "INSTALL|watch_items|stock-service");
	}

	@Test
	void twoOwnersConfiguringOneTriggerFailStartUpNamingBoth() throws SQLException {
		start(concat(table("items", "name=watch_items"), "pigeon.install.owner=orders"));
		PigeonInstallException failure = startFailsChangingNothing(
				concat(table("items", "name=watch_items", "events=insert"), "pigeon.install.owner=stock"));
		assertThat(failure.getProblems()).singleElement().satisfies((problem) -> {
			assertThat(problem.path()).isEqualTo("pigeon.schemas[0].tables[0].triggers[0].name");
			assertThat(problem.description()).isEqualTo("trigger \"watch_items\" on \"" + this.schema
					+ "\".\"items\" is configured by owner 'stock' and was installed by owner 'orders';"
					+ " an owner never changes another owner's triggers");
			assertThat(problem.action()).contains("pigeon.install.owner");
		});
	}

	@Test
	void anOwnerNeverReplacesAFunctionAnotherOwnersTriggerCalls() throws SQLException {
		start(concat(table("items", "name=watch_items", "function=shared_fn"), "pigeon.install.owner=orders"));
		PigeonInstallException failure = startFailsChangingNothing(
				concat(table("orders", "name=watch_orders", "function=shared_fn"), "pigeon.install.owner=stock"));
		assertThat(failure.getProblems()).singleElement().satisfies((problem) -> {
			assertThat(problem.path()).isEqualTo("pigeon.schemas[0].tables[0].triggers[0].function");
			assertThat(problem.description()).isEqualTo("function \"" + this.schema
					+ "\".\"shared_fn\"() is configured by owner 'stock' and is called by trigger \"watch_items\" on \""
					+ this.schema + "\".\"items\" of owner 'orders'; an owner never changes another owner's functions");
		});
	}

	@Test
	void historyTableOfPigeon01IsMigratedInPlaceAndItsRowsTakenOver() throws SQLException {
		start(table("items", "name=watch_items"));
		// What Pigeon 0.1 left: the same table without the owner's columns.
		sql("ALTER TABLE \"" + this.schema + "\".pigeon_schema_history DROP COLUMN owner, DROP COLUMN version");
		List<String> installed = triggers("items");
		start(concat(table("items", "name=watch_items"), "pigeon.install.mode=validate",
				"spring.application.name=stock"));
		start(concat(table("items", "name=watch_items"), "spring.application.name=stock", "pigeon.install.version=3"));
		assertThat(triggers("items")).isEqualTo(installed);
		assertThat(rows("SELECT action, owner, version FROM \"" + this.schema
				+ "\".pigeon_schema_history ORDER BY installed_rank"))
			.containsExactly("SUPPORT|stock|null", "INSTALL|stock|null");
		assertThat(rows("SELECT attnotnull FROM pg_attribute WHERE attrelid = '\"" + this.schema
				+ "\".pigeon_schema_history'::regclass AND attname = 'owner'"))
			.containsExactly("t");
	}

	@Test
	void historyRecordsOwnerAndVersionAsWrittenWhenTheSessionReadsBackslashesAsEscapes() throws SQLException {
		String url = database.getJdbcUrl();
		String offUrl = url + (url.contains("?") ? "&" : "?") + "options=-c%20standard_conforming_strings=off";
		String owner = "o'\\n\\'; DROP TABLE x; --";
		String version = "1.0\\'2";
		String[] properties = concat(table("items", "name=watch_items"), "spring.datasource.url=" + offUrl,
				"pigeon.install.owner=" + owner, "pigeon.install.version=" + version);
		start(properties);
		assertThat(rows("SELECT action, owner, version FROM \"" + this.schema
				+ "\".pigeon_schema_history ORDER BY installed_rank"))
			.containsExactly("SUPPORT|" + owner + "|" + version, "INSTALL|" + owner + "|" + version);
		start(concat(properties, "pigeon.schemas[0].tables[0].triggers[0].active=false"));
		assertThat(rows("SELECT owner, version FROM \"" + this.schema
				+ "\".pigeon_schema_history WHERE action = 'REMOVE'"))
			.containsExactly(owner + "|" + version);
		assertThat(triggers("items")).isEmpty();
	}

	private List<String> triggerDefinitions() throws SQLException {
		return rows("SELECT t.tgname, p.prosrc FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid"
				+ " JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
				+ " WHERE n.nspname = '" + this.schema + "' AND NOT t.tgisinternal ORDER BY 1");
	}

}
