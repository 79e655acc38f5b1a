package io.pigeon.internal.install;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of text in UTF-8, for the history's checksums and the advisory lock's key.
 */
final class Sha256 {

	private Sha256() {
	}

	static byte[] digest(String text) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java platform provides SHA-256", ex);
		}
	}

	static String hex(String text) {
		return HexFormat.of().formatHex(digest(text));
	}

}
