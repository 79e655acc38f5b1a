package io.pigeon.internal.listener;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;

import io.pigeon.PigeonAction;
import io.pigeon.internal.payload.PayloadContract;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reassembles the parts of a statement payload with rows ({@link PayloadContract#PARTS}) into
 * one payload, as if the trigger had sent every row at once: the head of the first part, the
 * rows of every part in order, without {@code part} and {@code parts}. One instance serves one
 * channel, on its dispatching thread.
 * <p>
 * PostgreSQL queues a transaction's notifications together at commit, under a lock that
 * serialises committing notifiers, and a trigger function sends a statement's parts one after
 * the other, so on one channel the parts of a statement arrive consecutively. A set is
 * therefore given up as incomplete, and announced to the {@code incomplete} callback (never
 * delivered), as soon as anything else arrives on the channel before its last part, when a part
 * comes out of order, or when the channel stops; a part whose earlier parts never came is
 * announced once for its whole set.
 */
public final class StatementRowsAssembler {

	private final JsonMapper jsonMapper;

	private final BiConsumer<RejectedNotificationException, String> incomplete;

	private @Nullable Pending pending;

	private @Nullable SetKey discarding;

	/**
	 * Create an assembler.
	 * @param jsonMapper reads the parts
	 * @param incomplete told of every set given up, with the rejection and a payload of it
	 */
	public StatementRowsAssembler(JsonMapper jsonMapper,
			BiConsumer<RejectedNotificationException, String> incomplete) {
		this.jsonMapper = jsonMapper;
		this.incomplete = incomplete;
	}

	/**
	 * Return whether a payload may be a part, cheaply: a part's head names {@code parts}.
	 * @param payload the payload as received
	 * @return {@code false} if it certainly is not a part
	 */
	public static boolean mayBePart(String payload) {
		return payload.contains("\"" + PayloadContract.PARTS + "\":");
	}

	/**
	 * Add a part.
	 * @param part the part, with its overflow resolved ({@link IncomingNotification#isPart()})
	 * @return the whole payload once its last part arrived, otherwise {@code null}
	 */
	public @Nullable String add(IncomingNotification part) {
		Part read = read(part);
		if (read == null) {
			interrupt();
			this.incomplete.accept(new RejectedNotificationException(RejectionReason.INCOMPLETE_ROWS,
					"a part of a statement's rows could not be read: not delivered"), part.payload());
			return null;
		}
		Pending pending = this.pending;
		if (pending != null && (!pending.key.equals(read.key) || read.number != pending.rows.size() + 1)) {
			giveUp(pending, "part " + read.number + " of " + read.key.describe() + " arrived instead");
			pending = null;
		}
		if (pending == null) {
			if (read.number != 1) {
				if (!read.key.equals(this.discarding)) {
					this.incomplete.accept(new RejectedNotificationException(RejectionReason.INCOMPLETE_ROWS,
							"part " + read.number + " of " + read.total + " of " + read.key.describe()
									+ " arrived without the parts before it: its rows are not delivered"),
							part.payload());
				}
				this.discarding = read.key;
				return null;
			}
			pending = new Pending(read.key, read);
			this.pending = pending;
			this.discarding = null;
		}
		pending.rows.add(read.rows);
		if (pending.rows.size() < read.total) {
			return null;
		}
		this.pending = null;
		return pending.whole();
	}

	/**
	 * Give up the set being assembled, if any: something other than its next part arrived, or
	 * the channel stops.
	 */
	public void interrupt() {
		Pending pending = this.pending;
		this.discarding = null;
		if (pending != null) {
			giveUp(pending, "something else arrived on the channel");
		}
	}

	private void giveUp(Pending pending, String reason) {
		this.pending = null;
		this.incomplete.accept(new RejectedNotificationException(RejectionReason.INCOMPLETE_ROWS, "only "
				+ pending.rows.size() + " of the " + pending.first.total + " parts of " + pending.key.describe()
				+ " arrived before " + reason + ": its rows are not delivered"), pending.first.payload);
	}

	private @Nullable Part read(IncomingNotification notification) {
		String payload = notification.payload();
		Long txid = null;
		Long seq = null;
		Long number = notification.part();
		Long total = notification.parts();
		int partStart = -1;
		int rowsNameStart = -1;
		int rowsStart = -1;
		int rowsEnd = -1;
		try (JsonParser parser = this.jsonMapper.createParser(payload)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				return null;
			}
			while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
				String name = parser.currentName();
				int nameStart = (int) parser.currentTokenLocation().getCharOffset();
				JsonToken value = parser.nextToken();
				switch (name) {
					case PayloadContract.TXID -> txid = (value == JsonToken.VALUE_NUMBER_INT) ? parser.getLongValue() : null;
					case PayloadContract.SEQ -> seq = (value == JsonToken.VALUE_NUMBER_INT) ? parser.getLongValue() : null;
					case PayloadContract.PART -> partStart = nameStart;
					case PayloadContract.ROWS -> {
						if (value != JsonToken.START_ARRAY) {
							return null;
						}
						rowsNameStart = nameStart;
						rowsStart = (int) parser.currentTokenLocation().getCharOffset();
						parser.skipChildren();
						rowsEnd = (int) parser.currentTokenLocation().getCharOffset();
					}
					default -> parser.skipChildren();
				}
			}
		}
		catch (JacksonException ex) {
			return null;
		}
		// Pigeon's triggers write ,"part":…,"parts":…,"rows":[…] in that order, without spaces
		if (txid == null || seq == null || number == null || total == null || number < 1 || number > total
				|| partStart < 1 || rowsNameStart <= partStart || rowsStart < 0 || rowsEnd <= rowsStart
				|| payload.charAt(rowsEnd) != ']') {
			return null;
		}
		SetKey key = new SetKey(Objects.requireNonNull(notification.action()), notification.schema(),
				notification.table(), txid, seq, total);
		return new Part(key, number, total, payload, partStart, rowsNameStart, rowsStart, rowsEnd,
				payload.substring(rowsStart + 1, rowsEnd));
	}

	/**
	 * What identifies a statement's set of parts.
	 */
	private record SetKey(PigeonAction action, @Nullable String schema, @Nullable String table, long txid, long seq,
			long total) {

		String describe() {
			return "the rows of " + this.action + " on \"" + this.schema + "\".\"" + this.table + "\" (txid "
					+ this.txid + ", seq " + this.seq + ")";
		}

	}

	private record Part(SetKey key, long number, long total, String payload, int partStart, int rowsNameStart,
			int rowsStart, int rowsEnd, String rows) {

	}

	private static final class Pending {

		private final SetKey key;

		private final Part first;

		private final List<String> rows = new ArrayList<>();

		Pending(SetKey key, Part first) {
			this.key = key;
			this.first = first;
		}

		String whole() {
			String head = this.first.payload;
			int length = head.length();
			for (String rows : this.rows) {
				length += rows.length() + 1;
			}
			StringBuilder whole = new StringBuilder(length);
			whole.append(head, 0, this.first.partStart - 1);
			whole.append(head, this.first.rowsNameStart - 1, this.first.rowsStart).append('[');
			boolean empty = true;
			for (String rows : this.rows) {
				if (!rows.isEmpty()) {
					if (!empty) {
						whole.append(',');
					}
					whole.append(rows);
					empty = false;
				}
			}
			return whole.append(']').append(head, this.first.rowsEnd + 1, head.length()).toString();
		}

	}

}
