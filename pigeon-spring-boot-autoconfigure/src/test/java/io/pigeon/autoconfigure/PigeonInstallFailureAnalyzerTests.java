package io.pigeon.autoconfigure;

import java.util.List;

import io.pigeon.internal.install.InstallProblem;
import io.pigeon.internal.install.PigeonInstallException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PigeonInstallFailureAnalyzer}.
 */
class PigeonInstallFailureAnalyzerTests {

	@Test
	void describesEveryProblemWithItsPathAndSaysHowToFixEach() {
		InstallProblem missingTable = new InstallProblem("pigeon.schemas[0].tables[1].name",
				"table or view \"shop\".\"itemz\" does not exist", "Correct the name.");
		InstallProblem leftOver = new InstallProblem(null,
				"trigger \"t\" on \"shop\".\"old\" is installed but no longer configured",
				"Run once with pigeon.install.mode=auto.");
		PigeonInstallException failure = new PigeonInstallException(
				"Pigeon's configuration does not match the database", List.of(missingTable, leftOver));
		FailureAnalysis analysis = new PigeonInstallFailureAnalyzer()
			.analyze(new IllegalStateException("Failed to execute ApplicationRunner", failure));
		assertThat(analysis.getDescription()).isEqualToNormalizingNewlines("""
				Pigeon's configuration does not match the database:

				    pigeon.schemas[0].tables[1].name: table or view "shop"."itemz" does not exist
				    trigger "t" on "shop"."old" is installed but no longer configured""");
		assertThat(analysis.getAction()).isEqualToNormalizingNewlines("""
				Fix each problem and restart:

				    pigeon.schemas[0].tables[1].name: Correct the name.
				    Run once with pigeon.install.mode=auto.""");
		assertThat(analysis.getCause()).isSameAs(failure);
	}

	@Test
	void ignoresOtherFailures() {
		assertThat(new PigeonInstallFailureAnalyzer().analyze(new IllegalStateException("unrelated"))).isNull();
	}

}
