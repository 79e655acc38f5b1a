package io.pigeon.internal.install;

import java.time.Duration;

/**
 * What one run of the installer did.
 *
 * @param installed how many triggers were installed or replaced
 * @param unchanged how many triggers were already installed as configured
 * @param removed how many triggers were removed
 * @param duration how long the run took
 * @since 0.1.0
 */
record InstallSummary(int installed, int unchanged, int removed, Duration duration) {

	/**
	 * Return the summary as logged, e.g.
	 * {@code Pigeon: 2 triggers installed, 3 unchanged, 1 removed (41 ms)}.
	 * @return the summary line
	 */
	@Override
	public String toString() {
		return "Pigeon: " + this.installed + ((this.installed != 1) ? " triggers" : " trigger") + " installed, "
				+ this.unchanged + " unchanged, " + this.removed + " removed (" + this.duration.toMillis() + " ms)";
	}

}
