package io.pigeon.internal.install;

import org.jspecify.annotations.Nullable;

/**
 * Whose triggers an installer manages, and which version of their configuration it holds.
 * Applications sharing a database and a history table each manage only the triggers their
 * owner installed; within one owner, an instance whose version is older than the newest one
 * recorded changes nothing unless downgrades are allowed.
 *
 * @param name the owner, recorded with every installation; never empty
 * @param version the configuration's version, or {@code null} if unknown (the last start then
 * wins, as without versions)
 * @param allowDowngrade whether an older version may replace what a newer one installed (a
 * rollback)
 * @since 0.1.0
 */
public record InstallOwner(String name, @Nullable String version, boolean allowDowngrade) {

	/**
	 * The owner of installations that name none.
	 */
	public static final String DEFAULT_NAME = "default";

	/**
	 * Create a new owner.
	 * @param name the owner
	 * @param version the configuration's version, or {@code null}
	 * @param allowDowngrade whether an older version may replace a newer one's triggers
	 * @throws IllegalArgumentException if the name is blank or the version is blank but not
	 * {@code null}
	 */
	public InstallOwner {
		if (name.isBlank()) {
			throw new IllegalArgumentException("The owner's name must not be blank");
		}
		if (version != null && version.isBlank()) {
			throw new IllegalArgumentException("The version must not be blank; use null for an unknown version");
		}
	}

	/**
	 * Return the owner of an application that names neither an owner nor a version.
	 * @return the default owner, without a version
	 */
	public static InstallOwner unversioned() {
		return new InstallOwner(DEFAULT_NAME, null, false);
	}

	/**
	 * Return whether this owner's version is older than another version of its configuration.
	 * @param recorded the newest version recorded, or {@code null}
	 * @return {@code true} if both are known and this one is older
	 */
	boolean isOlderThan(@Nullable String recorded) {
		return this.version != null && recorded != null
				&& ConfigurationVersions.ORDER.compare(this.version, recorded) < 0;
	}

	String describe() {
		return "owner '" + this.name + "'" + ((this.version != null) ? " at version " + this.version : "");
	}

}
