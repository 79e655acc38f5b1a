package io.pigeon.internal.install;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Orders configuration versions as release numbers read: numerically where they hold digits,
 * so that {@code 1.10} is newer than {@code 1.9} and {@code 1.0.0} is {@code 1.0}, and with
 * the usual pre-release qualifiers ({@code alpha}, {@code beta}, {@code milestone},
 * {@code rc}, {@code snapshot}) before their release. Neither Spring nor the JDK offer a
 * public comparator of this kind, and Maven's {@code ComparableVersion} is not on an
 * application's class path.
 */
final class ConfigurationVersions {

	/**
	 * The order of versions, newest last.
	 */
	static final Comparator<String> ORDER = ConfigurationVersions::compare;

	/**
	 * Qualifiers in release order; a release itself sits between {@code snapshot} and
	 * {@code sp}, and unknown qualifiers sort alphabetically after every known one.
	 */
	private static final List<String> QUALIFIERS = List.of("alpha", "beta", "milestone", "rc", "snapshot", "",
			"sp");

	private ConfigurationVersions() {
	}

	private static int compare(String left, String right) {
		List<Object> a = tokens(left);
		List<Object> b = tokens(right);
		for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
			int result = compareTokens((i < a.size()) ? a.get(i) : null, (i < b.size()) ? b.get(i) : null);
			if (result != 0) {
				return result;
			}
		}
		return 0;
	}

	/**
	 * A missing token is a zero where the other one is a number ({@code 1.0} is {@code 1.0.0}),
	 * and the release where it is a qualifier ({@code 1.0-rc1} is older than {@code 1.0}).
	 */
	private static int compareTokens(@Nullable Object left, @Nullable Object right) {
		if (left instanceof BigInteger a && right instanceof BigInteger b) {
			return a.compareTo(b);
		}
		if (left == null) {
			return (right instanceof BigInteger b) ? BigInteger.ZERO.compareTo(b)
					: compareQualifiers("", (String) right);
		}
		if (right == null) {
			return -compareTokens(right, left);
		}
		if (left instanceof BigInteger) {
			// A number continues a release where the other has a qualifier: 1.1 is newer than 1-rc.
			return 1;
		}
		if (right instanceof BigInteger) {
			return -1;
		}
		return compareQualifiers((String) left, (String) right);
	}

	private static int compareQualifiers(String left, String right) {
		int a = rank(left);
		int b = rank(right);
		if (a != b) {
			return Integer.compare(a, b);
		}
		return (a == QUALIFIERS.size()) ? left.compareTo(right) : 0;
	}

	private static int rank(String qualifier) {
		String known = switch (qualifier) {
			case "a" -> "alpha";
			case "b" -> "beta";
			case "m" -> "milestone";
			case "cr" -> "rc";
			case "ga", "final", "release" -> "";
			default -> qualifier;
		};
		int rank = QUALIFIERS.indexOf(known);
		return (rank >= 0) ? rank : QUALIFIERS.size();
	}

	/**
	 * Split a version into numbers and lower-case words; separators ({@code .-_+}) only
	 * separate, and a change between digits and letters separates too ({@code rc1} is
	 * {@code rc}, {@code 1}). Trailing zeros and release qualifiers are dropped, so that equal
	 * releases compare equal however they are written.
	 */
	private static List<Object> tokens(String version) {
		List<Object> tokens = new ArrayList<>();
		StringBuilder token = new StringBuilder();
		String lower = version.strip().toLowerCase(Locale.ROOT);
		for (int i = 0; i <= lower.length(); i++) {
			char c = (i < lower.length()) ? lower.charAt(i) : '.';
			boolean separator = c == '.' || c == '-' || c == '_' || c == '+';
			if (separator || (!token.isEmpty() && Character.isDigit(c) != Character.isDigit(token.charAt(0)))) {
				addToken(tokens, token.toString());
				token.setLength(0);
			}
			if (!separator) {
				token.append(c);
			}
		}
		while (!tokens.isEmpty() && isRelease(tokens.get(tokens.size() - 1))) {
			tokens.remove(tokens.size() - 1);
		}
		return tokens;
	}

	private static void addToken(List<Object> tokens, String token) {
		if (token.isEmpty()) {
			return;
		}
		if (Character.isDigit(token.charAt(0))) {
			tokens.add(new BigInteger(token));
		}
		else {
			tokens.add(token);
		}
	}

	private static boolean isRelease(Object token) {
		return (token instanceof BigInteger number) ? number.signum() == 0
				: rank((String) token) == QUALIFIERS.indexOf("");
	}

}
