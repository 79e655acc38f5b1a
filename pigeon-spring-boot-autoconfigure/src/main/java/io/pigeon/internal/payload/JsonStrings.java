package io.pigeon.internal.payload;

/**
 * JSON string encoding of names that Pigeon writes into payloads as constants, so that the
 * trigger does not have to encode them again for every row.
 */
public final class JsonStrings {

	private static final char[] HEX = "0123456789abcdef".toCharArray();

	private JsonStrings() {
	}

	/**
	 * Encode a value as a JSON string, quotes included (RFC 8259: {@code "}, {@code \} and the
	 * control characters are escaped, everything else is kept as it is).
	 * @param value the value
	 * @return the JSON string
	 */
	public static String quote(String value) {
		StringBuilder json = new StringBuilder(value.length() + 2).append('"');
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			switch (c) {
				case '"' -> json.append("\\\"");
				case '\\' -> json.append("\\\\");
				case '\b' -> json.append("\\b");
				case '\f' -> json.append("\\f");
				case '\n' -> json.append("\\n");
				case '\r' -> json.append("\\r");
				case '\t' -> json.append("\\t");
				default -> {
					if (c < 0x20) {
						json.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
					}
					else {
						json.append(c);
					}
				}
			}
		}
		return json.append('"').toString();
	}

}
