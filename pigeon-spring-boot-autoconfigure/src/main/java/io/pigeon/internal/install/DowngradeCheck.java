package io.pigeon.internal.install;

import java.util.List;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether an instance may apply its plan when its owner's configuration has a version:
 * during a rolling deploy, an instance of the older version that restarts must not revert what
 * the newer one installed, and the next newer instance would flip it back at every restart.
 * An older version changes nothing unless downgrades are allowed (a rollback); an unknown
 * version always applies, so the last start wins as without versions.
 */
final class DowngradeCheck {

	// Logged under the installer, whose category users already configure for its messages.
	private static final Log logger = LogFactory.getLog(TriggerInstaller.class);

	private final InstallOwner owner;

	private final InstallSettings settings;

	DowngradeCheck(InstallOwner owner, InstallSettings settings) {
		this.owner = owner;
		this.settings = settings;
	}

	/**
	 * Return why a plan must not be applied.
	 * @param plan the plan of this instance's configuration
	 * @return the warning to log, naming what differs from the newer configuration, or
	 * {@code null} if the plan may be applied
	 */
	@Nullable String refusal(InstallPlan plan) {
		String newest = plan.recorded().newestVersion(this.owner.name());
		if (!this.owner.isOlderThan(newest)) {
			return null;
		}
		List<InstallProblem> differences = plan.differences(this.settings);
		if (differences.isEmpty()) {
			return null;
		}
		String allow = this.settings.name(InstallSetting.ALLOW_DOWNGRADE);
		if (this.owner.allowDowngrade()) {
			logger.info("Pigeon: rolling back the triggers of " + this.owner.describe() + " from version " + newest
					+ " (" + allow + "=true)");
			return null;
		}
		String differ = differences.stream().map(InstallProblem::toString).collect(Collectors.joining("; "));
		return "Pigeon: changed nothing, because the configuration of " + this.owner.describe()
				+ " is older than version " + newest + ", which installed its triggers. Left as version " + newest
				+ " installed them: " + differ + ". Set " + allow + "=true to roll back to this configuration.";
	}

}
