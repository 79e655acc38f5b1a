package io.pigeon.internal.install;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import io.pigeon.autoconfigure.PigeonAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Integration tests for the installer behind a pooler in transaction mode (PgBouncer), where
 * consecutive transactions of one client connection run on different server connections.
 */
class InstallBehindTransactionPoolerIntegrationTests extends InstallIntegrationTestSupport {

	@Test
	void installationLeavesNoAdvisoryLockAndTheNextOneDoesNotWait() throws SQLException {
		sql("CREATE TABLE " + this.schema + ".items (id int)");
		TransactionPoolingDataSource pool = new TransactionPoolingDataSource(2);
		try {
			String pids = pool.backendPids().toString().replace('[', '{').replace(']', '}');
			String advisoryLocks = "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND pid = ANY('" + pids
					+ "'::int[])";
			assertThat(install(pool, table("items")).installed()).isEqualTo(1);
			assertThat(rows(advisoryLocks)).isEmpty();
			// A lock left on either server connection would stop this one for its whole time-out.
			long start = System.nanoTime();
			InstallSummary again = install(pool, concat(table("items"), "pigeon.install.lock-timeout=5s"));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
			assertThat(again.installed()).isZero();
			assertThat(again.unchanged()).isEqualTo(1);
			assertThat(install(pool, table("items", "active=false")).removed()).isEqualTo(1);
			assertThat(rows(advisoryLocks)).isEmpty();
		}
		finally {
			pool.closeServers();
		}
		assertThat(history()).extracting((row) -> row.substring(0, row.indexOf('|')))
			.containsExactly("SUPPORT", "INSTALL", "REMOVE");
	}

	private InstallSummary install(DataSource dataSource, String... properties) {
		AtomicReference<InstallSummary> summary = new AtomicReference<>();
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PigeonAutoConfiguration.class))
			.withBean(DataSource.class, () -> dataSource)
			.withPropertyValues("pigeon.install.schema=" + this.schema, "pigeon.listener.enabled=false")
			.withPropertyValues(properties)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				summary.set(context.getBean(TriggerInstaller.class).install());
			});
		return summary.get();
	}

}
