package io.pigeon.internal.listener;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import io.pigeon.PigeonAction;
import io.pigeon.internal.payload.PayloadContract;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.util.TokenBuffer;

/**
 * Reads a payload once, with a streaming parser: the head members of Pigeon's
 * {@link PayloadContract} ({@code action}, {@code schema}, {@code table}, {@code count},
 * {@code overflow}, {@code ts}) and, on the way, {@code data} and {@code old} bound to each of the
 * {@link #rowTypes row types} the channel's methods take that accept the action. An overflow
 * reference is replaced by the full payload the trigger stored, and only by that: the stored
 * payload must have been stored for the channel the reference arrived on and carry the
 * reference's {@code schema}, {@code table}, {@code txid} and {@code seq}. NOTIFY needs no
 * privilege, so anyone who can connect can send a reference to any stored row; one that does not
 * match is rejected with {@link RejectedNotificationException}.
 * <p>
 * Rows that cannot be bound here (the types reject them, or {@code data} precedes
 * {@code action}, which Pigeon's triggers never write) are left to each method to bind from the
 * text, so that a binding failure is reported for the method that asked for the type, as if the
 * rows had not been bound in advance.
 *
 * @since 0.1.0
 */
public final class NotificationParser {

	private final JsonMapper jsonMapper;

	private final OverflowPayloads overflowPayloads;

	public NotificationParser(JsonMapper jsonMapper, OverflowPayloads overflowPayloads) {
		this.jsonMapper = jsonMapper;
		this.overflowPayloads = overflowPayloads;
	}

	/**
	 * Return the mapper payloads are read with.
	 * @return the application's mapper
	 */
	public JsonMapper jsonMapper() {
		return this.jsonMapper;
	}

	/**
	 * Parse a payload without binding its rows.
	 * @param channel the channel it arrived on
	 * @param payload the payload as received
	 * @return the notification, with the full payload
	 * @throws RuntimeException if an overflow reference cannot be resolved
	 */
	public IncomingNotification parse(String channel, String payload) {
		return parse(channel, payload, RowTypes.NONE);
	}

	/**
	 * Parse a payload, binding its rows to the given types.
	 * @param channel the channel it arrived on
	 * @param payload the payload as received
	 * @param rowTypes the types the channel's methods bind rows to
	 * @return the notification, with the full payload
	 * @throws RejectedNotificationException if an overflow reference names a payload stored for
	 * another notification
	 * @throws RuntimeException if an overflow reference cannot be resolved
	 */
	public IncomingNotification parse(String channel, String payload, RowTypes rowTypes) {
		Reading reference = read(channel, payload, rowTypes);
		IncomingNotification notification = reference.notification();
		Long overflowId = notification.overflowId();
		if (overflowId == null || notification.action() == null) {
			return notification;
		}
		StoredPayload stored = this.overflowPayloads.load(overflowId);
		Reading full = read(channel, stored.payload(), rowTypes);
		if (!channel.equals(stored.channel()) || !full.sameChange(reference)) {
			throw new RejectedNotificationException(RejectionReason.OVERFLOW_MISMATCH, "overflow reference "
					+ overflowId + " names a payload that Pigeon's trigger did not store for this notification "
					+ "(stored for channel " + stored.channel() + "): not delivered");
		}
		return full.notification();
	}

	private Reading read(String channel, String payload, RowTypes rowTypes) {
		try {
			return new Reading(channel, payload, rowTypes).read();
		}
		catch (UnboundRows ex) {
			return new Reading(channel, payload, RowTypes.NONE).read();
		}
	}

	private static @Nullable String text(JsonParser parser, JsonToken value) {
		return (value == JsonToken.VALUE_STRING) ? parser.getString() : skip(parser);
	}

	private static @Nullable Long integer(JsonParser parser, JsonToken value) {
		return (value == JsonToken.VALUE_NUMBER_INT) ? parser.getLongValue() : skip(parser);
	}

	/**
	 * Read a JSON array of strings, or skip anything else.
	 */
	private static @Nullable List<String> strings(JsonParser parser, JsonToken value) {
		if (value != JsonToken.START_ARRAY) {
			return skip(parser);
		}
		List<String> strings = new ArrayList<>();
		JsonToken token;
		while ((token = parser.nextToken()) != JsonToken.END_ARRAY && token != null) {
			if (token == JsonToken.VALUE_STRING) {
				strings.add(parser.getString());
			}
			else {
				parser.skipChildren();
			}
		}
		return List.copyOf(strings);
	}

	/**
	 * Read a JSON object of strings and nulls (other values as their text), or skip anything
	 * else.
	 */
	private static @Nullable Map<String, @Nullable String> settings(JsonParser parser, JsonToken value) {
		if (value != JsonToken.START_OBJECT) {
			return skip(parser);
		}
		Map<String, @Nullable String> settings = new LinkedHashMap<>();
		while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
			String name = parser.currentName();
			JsonToken token = parser.nextToken();
			settings.put(name, (token == JsonToken.VALUE_NULL) ? null
					: (token == JsonToken.VALUE_STRING) ? parser.getString() : skipToText(parser));
		}
		return Collections.unmodifiableMap(settings);
	}

	private static @Nullable String skipToText(JsonParser parser) {
		String text = parser.getText();
		parser.skipChildren();
		return text;
	}

	private static <T> @Nullable T skip(JsonParser parser) {
		parser.skipChildren();
		return null;
	}

	private static @Nullable PigeonAction action(@Nullable String action) {
		if (action == null) {
			return null;
		}
		try {
			return PigeonAction.valueOf(action.toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	/**
	 * One pass over one payload.
	 */
	private final class Reading {

		private final String channel;

		private final String payload;

		private final RowTypes rowTypes;

		private @Nullable PigeonAction action;

		private @Nullable String schema;

		private @Nullable String table;

		private @Nullable Long count;

		private @Nullable Long overflowId;

		private @Nullable Long timestamp;

		private @Nullable Long txid;

		private @Nullable Long seq;

		private @Nullable IncomingNotification notification;

		private @Nullable List<RowType> bound;

		private Object @Nullable [] data;

		private Object @Nullable [] old;

		private Object @Nullable [] rows;

		private @Nullable List<String> changed;

		private @Nullable Map<String, @Nullable String> context;

		private @Nullable Long part;

		private @Nullable Long parts;

		private boolean rowsSkipped;

		Reading(String channel, String payload, RowTypes rowTypes) {
			this.channel = channel;
			this.payload = payload;
			this.rowTypes = rowTypes;
		}

		Reading read() {
			this.notification = parse();
			return this;
		}

		IncomingNotification notification() {
			IncomingNotification notification = this.notification;
			if (notification == null) {
				throw new IllegalStateException("Not read yet");
			}
			return notification;
		}

		/**
		 * Return whether this payload is the change another one refers to: same schema, table,
		 * transaction and position in it.
		 */
		boolean sameChange(Reading other) {
			return this.action != null && this.action == other.action && this.schema != null
					&& this.schema.equals(other.schema) && this.table != null && this.table.equals(other.table)
					&& this.txid != null && this.txid.equals(other.txid) && this.seq != null
					&& this.seq.equals(other.seq) && Objects.equals(this.part, other.part)
					&& this.overflowId == null;
		}

		private IncomingNotification parse() {
			try (JsonParser parser = NotificationParser.this.jsonMapper.createParser(this.payload)) {
				if (parser.nextToken() == JsonToken.START_OBJECT) {
					while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
						String name = parser.currentName();
						JsonToken value = parser.nextToken();
						member(parser, name, value);
					}
				}
			}
			catch (JacksonException ex) {
				// Not a JSON object: still deliverable to methods taking the raw payload.
				return new IncomingNotification(this.channel, this.payload, null, null, null, null, null, null);
			}
			return new IncomingNotification(this.channel, this.payload, this.action, this.schema, this.table,
					this.count, this.overflowId, this.timestamp, envelopes(), this.changed, this.context, this.part,
					this.parts);
		}

		private void member(JsonParser parser, String name, JsonToken value) {
			switch (name) {
				case PayloadContract.ACTION -> {
					this.action = action(text(parser, value));
					this.bound = (this.action != null) ? this.rowTypes.accepting(this.action) : null;
				}
				case PayloadContract.SCHEMA -> this.schema = text(parser, value);
				case PayloadContract.TABLE -> this.table = text(parser, value);
				case PayloadContract.COUNT -> this.count = integer(parser, value);
				case PayloadContract.OVERFLOW -> this.overflowId = integer(parser, value);
				case PayloadContract.TS -> this.timestamp = integer(parser, value);
				case PayloadContract.TXID -> this.txid = integer(parser, value);
				case PayloadContract.SEQ -> this.seq = integer(parser, value);
				case PayloadContract.DATA -> this.data = rows(parser);
				case PayloadContract.OLD -> this.old = rows(parser);
				case PayloadContract.ROWS -> this.rows = rowLists(parser);
				case PayloadContract.CHANGED -> this.changed = strings(parser, value);
				case PayloadContract.CONTEXT -> this.context = settings(parser, value);
				case PayloadContract.PART -> this.part = integer(parser, value);
				case PayloadContract.PARTS -> this.parts = integer(parser, value);
				default -> parser.skipChildren();
			}
		}

		private Object @Nullable [] rows(JsonParser parser) {
			return bindEach(parser, RowType::reader);
		}

		/**
		 * Bind a statement's rows to each type, as a list.
		 */
		private Object @Nullable [] rowLists(JsonParser parser) {
			return bindEach(parser, RowType::listReader);
		}

		private Object @Nullable [] bindEach(JsonParser parser, Function<RowType, ObjectReader> reader) {
			List<RowType> types = this.bound;
			if (types == null) {
				this.rowsSkipped = !this.rowTypes.isEmpty();
				return skip(parser);
			}
			if (types.isEmpty()) {
				return skip(parser);
			}
			try {
				if (types.size() == 1) {
					return new Object[] { reader.apply(types.get(0)).readValue(parser) };
				}
				// Several types: read the text once into tokens, then bind each type from those.
				TokenBuffer tokens = TokenBuffer.forBuffering(parser, parser.objectReadContext());
				tokens.copyCurrentStructure(parser);
				Object[] values = new Object[types.size()];
				for (int i = 0; i < values.length; i++) {
					try (JsonParser buffered = tokens.asParser(parser.objectReadContext())) {
						values[i] = reader.apply(types.get(i)).readValue(buffered);
					}
				}
				return values;
			}
			catch (JacksonException ex) {
				throw new UnboundRows();
			}
		}

		private Map<JavaType, ChangeEnvelope<?>> envelopes() {
			List<RowType> types = this.bound;
			if (types == null || types.isEmpty() || this.rowsSkipped) {
				return Map.of();
			}
			if (types.size() == 1) {
				return Map.of(types.get(0).type(), envelope(0));
			}
			Map<JavaType, ChangeEnvelope<?>> envelopes = new LinkedHashMap<>();
			for (int i = 0; i < types.size(); i++) {
				envelopes.put(types.get(i).type(), envelope(i));
			}
			return envelopes;
		}

		@SuppressWarnings({ "unchecked", "rawtypes" })
		private ChangeEnvelope<?> envelope(int index) {
			Object[] data = this.data;
			Object[] old = this.old;
			Object[] rows = this.rows;
			return new ChangeEnvelope((data != null) ? data[index] : null, (old != null) ? old[index] : null,
					(rows != null) ? (List) rows[index] : null);
		}

	}

	/**
	 * The rows did not bind: they are left to each method, which reports the failure.
	 */
	private static final class UnboundRows extends RuntimeException {

		UnboundRows() {
			super(null, null, false, false);
		}

	}

	/**
	 * Where the full payload of an overflow reference is read from.
	 */
	@FunctionalInterface
	public interface OverflowPayloads {

		/**
		 * Return a stored payload.
		 * @param id the overflow reference's id
		 * @return the full payload with the channel it was stored for
		 * @throws RuntimeException if it cannot be read
		 */
		StoredPayload load(long id);

	}

	/**
	 * A payload the trigger stored because it was too large to notify.
	 *
	 * @param channel the channel the trigger notified the reference on, or {@code null} for a
	 * payload stored by a version of Pigeon that did not record it (never delivered)
	 * @param payload the full payload
	 */
	public record StoredPayload(@Nullable String channel, String payload) {

	}

	/**
	 * Collect the distinct types a channel's methods bind {@code data} and {@code old} to.
	 * @param listeners the channel's methods
	 * @return their row types
	 */
	public RowTypes rowTypes(List<MethodListenerAdapter> listeners) {
		Map<PigeonAction, List<RowType>> byAction = new EnumMap<>(PigeonAction.class);
		Map<JavaType, RowType> distinct = new LinkedHashMap<>();
		for (PigeonAction action : PigeonAction.values()) {
			List<RowType> types = new ArrayList<>();
			for (MethodListenerAdapter listener : listeners) {
				JavaType type = listener.getRowType();
				if (type != null && listener.accepts(action)) {
					RowType rowType = distinct.computeIfAbsent(type, (key) -> new RowType(key, this.jsonMapper
						.readerFor(key)
						.without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS),
							this.jsonMapper
								.readerFor(this.jsonMapper.getTypeFactory().constructCollectionType(List.class, key))
								.without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)));
					if (!types.contains(rowType)) {
						types.add(rowType);
					}
				}
			}
			byAction.put(action, List.copyOf(types));
		}
		return new RowTypes(byAction);
	}

	/**
	 * A type rows are bound to, with the reader that binds a row in the middle of the payload.
	 *
	 * @param type the type
	 * @param reader reads one value of the type, leaving the rest of the payload to the parser
	 * @param listReader reads a list of values of the type (a statement's {@code rows})
	 */
	record RowType(JavaType type, ObjectReader reader, ObjectReader listReader) {

	}

	/**
	 * The distinct types a channel's methods bind {@code data} and {@code old} to, by the
	 * actions of the methods that take them, so that rows are bound once per type and only when
	 * some method will receive them.
	 */
	public static final class RowTypes {

		public static final RowTypes NONE = new RowTypes(Map.of());

		private final Map<PigeonAction, List<RowType>> byAction;

		private final boolean empty;

		private RowTypes(Map<PigeonAction, List<RowType>> byAction) {
			this.byAction = byAction;
			this.empty = byAction.values().stream().allMatch(List::isEmpty);
		}

		/**
		 * Return the types that rows of a change are bound to.
		 * @param action the change's action
		 * @return the types, empty when no method binds rows of that action
		 */
		List<RowType> accepting(PigeonAction action) {
			return this.byAction.getOrDefault(action, List.of());
		}

		boolean isEmpty() {
			return this.empty;
		}

	}

}
