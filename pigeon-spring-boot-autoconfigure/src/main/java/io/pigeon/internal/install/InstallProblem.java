package io.pigeon.internal.install;

import org.jspecify.annotations.Nullable;

/**
 * One reason why Pigeon cannot install or validate its triggers: where it comes from, what is
 * wrong and how to fix it.
 *
 * @param path what the problem belongs to, as the caller names it: the path of a configured
 * trigger or of one of its keys (e.g. {@code pigeon.schemas[0].tables[1].triggers[0].columns[2]}),
 * or the {@link InstallSettings#name(InstallSetting) name of a setting}; {@code null} when it
 * belongs to nothing configured (an object left over from an earlier configuration)
 * @param description what is wrong
 * @param action how to fix it
 * @since 0.1.0
 */
public record InstallProblem(@Nullable String path, String description, String action) {

	@Override
	public String toString() {
		return ((this.path != null) ? this.path + ": " : "") + this.description;
	}

}
