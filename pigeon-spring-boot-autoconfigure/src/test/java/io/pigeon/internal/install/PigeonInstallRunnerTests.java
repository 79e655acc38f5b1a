package io.pigeon.internal.install;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

import org.springframework.boot.DefaultApplicationArguments;
import org.springframework.core.Ordered;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoMoreInteractions;

/**
 * Tests for {@link PigeonInstallRunner}.
 */
class PigeonInstallRunnerTests {

	private final TriggerInstaller installer = mock(TriggerInstaller.class);

	@Test
	void autoInstalls() {
		given(this.installer.install()).willReturn(new InstallSummary(1, 2, 3, Duration.ofMillis(4)));
		run(InstallMode.AUTO, null);
		verify(this.installer).install();
		verifyNoMoreInteractions(this.installer);
	}

	@Test
	void validateValidates() {
		run(InstallMode.VALIDATE, null);
		verify(this.installer).validate();
		verifyNoMoreInteractions(this.installer);
	}

	@Test
	void noneDoesNothing() {
		run(InstallMode.NONE, null);
		verifyNoMoreInteractions(this.installer);
	}

	@Test
	void exportsBeforeInstallingInEveryMode() {
		Path directory = Path.of("scripts");
		given(this.installer.exportScripts(directory)).willReturn(List.of());
		given(this.installer.install()).willReturn(new InstallSummary(0, 0, 0, Duration.ZERO));
		for (InstallMode mode : InstallMode.values()) {
			run(mode, directory);
		}
		InOrder order = inOrder(this.installer);
		order.verify(this.installer).exportScripts(directory);
		order.verify(this.installer).install();
		order.verify(this.installer).exportScripts(directory);
		order.verify(this.installer).validate();
		order.verify(this.installer).exportScripts(directory);
		verifyNoMoreInteractions(this.installer);
	}

	@Test
	void runsBeforeTheApplicationsRunners() {
		assertThat(new PigeonInstallRunner(this.installer, InstallMode.AUTO, null).getOrder())
			.isEqualTo(Ordered.HIGHEST_PRECEDENCE);
	}

	private void run(InstallMode mode, Path directory) {
		new PigeonInstallRunner(this.installer, mode, directory).run(new DefaultApplicationArguments());
	}

}
