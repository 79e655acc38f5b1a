package io.pigeon.internal.install;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.pigeon.internal.install.TriggerConfiguration.Trigger;
import io.pigeon.internal.sql.TriggerDefinition;

/**
 * Writes the SQL that the installer would run on an empty database, for teams where a DBA
 * applies SQL: one script for Pigeon's own objects, then one per active trigger, named
 * {@code pigeon_<number>_<what>.sql} so that name order is the order to run them in. Each
 * script is one transaction and records itself in the history table, so that the installer's
 * validation accepts what the scripts installed.
 */
final class ScriptExporter {

	private static final String PREFIX = "pigeon_";

	private final Path directory;

	ScriptExporter(Path directory) {
		this.directory = directory;
	}

	/**
	 * Write the scripts, replacing every script an earlier export left in the directory.
	 * @param scripts the statements to export
	 * @param triggers the active triggers
	 * @return the scripts written, in the order to run them
	 * @throws IOException if the directory cannot be written
	 */
	List<Path> export(InstallScripts scripts, List<Trigger> triggers, PostgresCatalog catalog)
			throws IOException, SQLException {
		Files.createDirectories(this.directory);
		deleteEarlierScripts();
		boolean durable = triggers.stream().anyMatch((trigger) -> trigger.definition().durable());
		int first = durable ? 2 : 1;
		int width = Math.max(3, String.valueOf(triggers.size() + first - 1).length());
		List<Path> written = new ArrayList<>();
		String objects = "Pigeon's own objects in schema \"" + scripts.history().schema() + "\"";
		written.add(write(number(0, width) + "_pigeon_objects", objects, scripts.support().statements()));
		if (durable) {
			written.add(write(number(1, width) + "_pigeon_durable_log",
					"Pigeon's change log in schema \"" + scripts.history().schema() + "\", for durable triggers",
					scripts.durableLog().statements()));
		}
		for (int i = 0; i < triggers.size(); i++) {
			Trigger trigger = triggers.get(i);
			TriggerDefinition definition = trigger.definition();
			String name = number(i + first, width) + "_" + fileName(definition.schema()) + "."
					+ fileName(definition.table()) + "." + fileName(definition.name());
			written.add(write(name, trigger.describe() + ", configured at " + trigger.path(),
					scripts.trigger(catalog.withLaneKey(definition), catalog.kind(definition.schema(), definition.table()))
						.onEmptyDatabase()));
		}
		return written;
	}

	private void deleteEarlierScripts() throws IOException {
		try (DirectoryStream<Path> earlier = Files.newDirectoryStream(this.directory, PREFIX + "[0-9]*.sql")) {
			for (Path script : earlier) {
				Files.delete(script);
			}
		}
	}

	private Path write(String name, String title, List<String> statements) throws IOException {
		StringBuilder script = new StringBuilder();
		script.append("-- Pigeon: ").append(title.replaceAll("[\\r\\n]", " ")).append("\n");
		script.append("-- Written by Pigeon's installer; run the scripts of this directory in name order.\n");
		script.append("BEGIN;\n");
		script.append(InstallHistory.STANDARD_STRINGS).append(";\n\n");
		for (String statement : statements) {
			String sql = statement.strip();
			script.append(sql).append(sql.endsWith(";") ? "" : ";").append("\n\n");
		}
		script.append("COMMIT;\n");
		Path path = this.directory.resolve(PREFIX + name + ".sql");
		Files.writeString(path, script, StandardCharsets.UTF_8);
		return path;
	}

	private static String number(int number, int width) {
		return String.format(Locale.ROOT, "%0" + width + "d", number);
	}

	/**
	 * Keep file names portable: names may hold spaces, quotes, slashes or any other character.
	 */
	private static String fileName(String name) {
		StringBuilder result = new StringBuilder(name.length());
		name.codePoints()
			.forEach((c) -> result.append((c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '-'))
					? (char) c : '_'));
		return result.toString();
	}

}
