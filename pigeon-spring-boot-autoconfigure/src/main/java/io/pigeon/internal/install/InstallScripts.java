package io.pigeon.internal.install;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import io.pigeon.internal.sql.TriggerDefinition;
import io.pigeon.internal.sql.TriggerSqlGenerator;

/**
 * The statements that install Pigeon's own objects and each trigger, shared by the installer
 * and the exported scripts so both produce the same objects and the same history.
 */
final class InstallScripts {

	private final TriggerSqlGenerator generator;

	private final InstallHistory history;

	InstallScripts(TriggerSqlGenerator generator, InstallHistory history) {
		this.generator = generator;
		this.history = history;
	}

	TriggerSqlGenerator generator() {
		return this.generator;
	}

	InstallHistory history() {
		return this.history;
	}

	/**
	 * Return the statements creating the history table and Pigeon's own objects, and
	 * recording them.
	 * @return the statements
	 */
	List<String> supportObjects() {
		return List.of(this.history.createTable(), this.generator.createSupportObjects(),
				this.history.recordSupport(supportChecksum()));
	}

	String supportChecksum() {
		return checksum(this.generator.createSupportObjects());
	}

	/**
	 * Return the statements installing a trigger where neither it nor its function exists,
	 * and recording it.
	 * @param definition the trigger
	 * @return the statements
	 */
	List<String> install(TriggerDefinition definition) {
		return List.of(this.generator.createFunction(definition), this.generator.createTrigger(definition),
				this.history.recordInstall(definition, checksum(definition)));
	}

	/**
	 * Return the checksum of the SQL installing a trigger: when it changes, the trigger is
	 * replaced.
	 * @param definition the trigger
	 * @return the SHA-256 of its function's and trigger's SQL, in hexadecimal
	 */
	String checksum(TriggerDefinition definition) {
		return checksum(this.generator.createFunction(definition) + "\n" + this.generator.createTrigger(definition));
	}

	private static String checksum(String sql) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			return HexFormat.of().formatHex(digest.digest(sql.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java platform provides SHA-256", ex);
		}
	}

}
