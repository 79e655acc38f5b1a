package io.pigeon.internal.install;

import java.util.Locale;

/**
 * The installer's settings, as problems name them. The installer does not know how its user
 * spells them (Spring Boot's binding calls the schema {@code pigeon.install.schema}): it asks
 * {@link InstallSettings#name(InstallSetting)}, which the caller fills in.
 *
 * @since 0.1.0
 */
public enum InstallSetting {

	/**
	 * What the installer does at start-up ({@link InstallMode}).
	 */
	MODE,

	/**
	 * The schema of Pigeon's own tables.
	 */
	SCHEMA,

	/**
	 * The table recording what Pigeon installed.
	 */
	HISTORY_TABLE,

	/**
	 * How long to wait for another instance's installation.
	 */
	LOCK_TIMEOUT,

	/**
	 * Where the scripts are exported to.
	 */
	EXPORT_LOCATION,

	/**
	 * The user that installs, when it is not the application's.
	 */
	USERNAME,

	/**
	 * Whose triggers the installer manages.
	 */
	OWNER,

	/**
	 * The configuration's version.
	 */
	VERSION,

	/**
	 * Whether an older configuration may replace a newer one's triggers.
	 */
	ALLOW_DOWNGRADE;

	/**
	 * Return the setting's name in the installer's own terms, e.g. {@code lock-timeout}.
	 * @return the name
	 */
	public String defaultName() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
