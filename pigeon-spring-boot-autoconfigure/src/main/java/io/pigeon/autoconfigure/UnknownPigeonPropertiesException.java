package io.pigeon.autoconfigure;

import java.util.List;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * Thrown at start-up when {@code pigeon.schemas}, {@code pigeon.install} or
 * {@code pigeon.listener} contain keys that Pigeon does not know: Spring Boot's binding ignores
 * them, so a typo such as {@code colums} would silently send every column.
 *
 * @since 0.1.0
 */
public class UnknownPigeonPropertiesException extends IllegalStateException {

	private final List<UnknownKey> unknownKeys;

	UnknownPigeonPropertiesException(List<UnknownKey> unknownKeys) {
		super("Unknown Pigeon properties: " + unknownKeys.stream()
			.map(UnknownKey::toString)
			.collect(Collectors.joining("; ")));
		this.unknownKeys = List.copyOf(unknownKeys);
	}

	/**
	 * Return the unknown keys, in the order found.
	 * @return the unknown keys
	 */
	public List<UnknownKey> getUnknownKeys() {
		return this.unknownKeys;
	}

	/**
	 * A property whose last element is not a key of the object it is set on.
	 *
	 * @param path the property path up to and including the unknown key, for example
	 * {@code pigeon.schemas[0].tables[0].triggers[0].colums}
	 * @param key the unknown key as written, for example {@code colums}
	 * @param suggestion the nearest valid key, or {@code null} when none is near
	 * @param validKeys every key valid at that place
	 * @param origin where the property was set, or {@code null} if unknown
	 */
	public record UnknownKey(String path, String key, @Nullable String suggestion, List<String> validKeys,
			@Nullable String origin) {

		@Override
		public String toString() {
			return this.path + ((this.suggestion != null) ? " (did you mean `" + this.suggestion + "`?)" : "");
		}

	}

}
