package io.pigeon.internal.install;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link InstallSettings}.
 */
class InstallSettingsTests {

	@Test
	void settingsAreNamedAsTheCallerSays() {
		InstallSettings settings = new InstallSettings(null, "history", Duration.ZERO,
				(setting) -> "app.installer." + setting.ordinal());
		assertThat(settings.name(InstallSetting.LOCK_TIMEOUT))
			.isEqualTo("app.installer." + InstallSetting.LOCK_TIMEOUT.ordinal());
	}

	@Test
	void withoutNamesSettingsAreNamedInTheInstallersOwnTerms() {
		InstallSettings settings = new InstallSettings("pigeon", "history", Duration.ofSeconds(1));
		assertThat(settings.name(InstallSetting.HISTORY_TABLE)).isEqualTo("history-table");
		assertThat(settings.name(InstallSetting.EXPORT_LOCATION)).isEqualTo("export-location");
	}

	@Test
	void negativeLockTimeoutIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new InstallSettings(null, "history", Duration.ofMillis(-1)))
			.withMessageContaining("must not be negative");
	}

}
