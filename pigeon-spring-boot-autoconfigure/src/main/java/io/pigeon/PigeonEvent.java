package io.pigeon;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A change delivered to a {@link PigeonListener} method.
 * <p>
 * Construct one (in a test, say) with {@link #builder(String, PigeonAction, String, String)}:
 * <pre class="code">
 * PigeonEvent&lt;Item&gt; event = PigeonEvent.&lt;Item&gt;builder("items", PigeonAction.INSERT, "public", "items")
 *     .data(item)
 *     .payload(json)
 *     .build();
 * </pre>
 * This is a final class rather than a record on purpose: the event will gain properties (an event
 * id and a delivery attempt for durable delivery, the columns an update {@code changed}), and a
 * record's canonical constructor would change with every one of them, breaking every
 * {@code new PigeonEvent<>(…)} written against the version before. New properties are added to
 * the builder with a default instead, and as accessors named like the existing ones (no
 * {@code get} prefix, as a record would have them). The constructor of 0.1 stays, for code
 * written against it, and never grows.
 *
 * @param <T> the type {@code data} and {@code old} are bound to
 * @since 0.1.0
 */
public final class PigeonEvent<T> {

	private final String channel;

	private final PigeonAction action;

	private final String schema;

	private final String table;

	private final @Nullable T data;

	private final @Nullable T old;

	private final @Nullable Long count;

	private final String payload;

	private final @Nullable Long id;

	private final int attempt;

	private final @Nullable List<T> rows;

	private final @Nullable List<String> changed;

	private final @Nullable Map<String, @Nullable String> context;

	/**
	 * Create an event with the properties of version 0.1; prefer
	 * {@link #builder(String, PigeonAction, String, String)}, which later properties are added
	 * to.
	 * @param channel the channel the notification arrived on
	 * @param action what happened
	 * @param schema the schema of the configured table
	 * @param table the configured table's name
	 * @param data the configured columns of the new row, or of the old row for a delete, or
	 * {@code null}
	 * @param old the old row's columns on an update with {@code include-old}, or {@code null}
	 * @param count the number of rows a statement-level event touched, or {@code null}
	 * @param payload the raw JSON payload
	 */
	public PigeonEvent(String channel, PigeonAction action, String schema, String table, @Nullable T data,
			@Nullable T old, @Nullable Long count, String payload) {
		// No null checks: the record of 0.1 had none, and tests written against it must keep working.
		this.channel = channel;
		this.action = action;
		this.schema = schema;
		this.table = table;
		this.data = data;
		this.old = old;
		this.count = count;
		this.payload = payload;
		this.id = null;
		this.attempt = 1;
		this.rows = null;
		this.changed = null;
		this.context = null;
	}

	private PigeonEvent(Builder<T> builder, String payload) {
		this.channel = builder.channel;
		this.action = builder.action;
		this.schema = builder.schema;
		this.table = builder.table;
		this.data = builder.data;
		this.old = builder.old;
		this.count = builder.count;
		this.payload = payload;
		this.id = builder.id;
		this.attempt = builder.attempt;
		this.rows = (builder.rows != null) ? Collections.unmodifiableList(new ArrayList<>(builder.rows)) : null;
		this.changed = (builder.changed != null) ? List.copyOf(builder.changed) : null;
		this.context = (builder.context != null)
				? Collections.unmodifiableMap(new LinkedHashMap<>(builder.context)) : null;
	}

	/**
	 * Start building an event.
	 * @param <T> the type {@code data} and {@code old} are bound to
	 * @param channel the channel the notification arrived on
	 * @param action what happened
	 * @param schema the schema of the configured table
	 * @param table the configured table's name
	 * @return a builder
	 * @since 0.1.0
	 */
	public static <T> Builder<T> builder(String channel, PigeonAction action, String schema, String table) {
		return new Builder<>(channel, action, schema, table);
	}

	/**
	 * Return the channel the notification arrived on.
	 * @return the channel
	 */
	public String channel() {
		return this.channel;
	}

	/**
	 * Return what happened.
	 * @return the action
	 */
	public PigeonAction action() {
		return this.action;
	}

	/**
	 * Return the schema of the configured table.
	 * @return the schema
	 */
	public String schema() {
		return this.schema;
	}

	/**
	 * Return the configured table's name (also when the row lives in a partition).
	 * @return the table
	 */
	public String table() {
		return this.table;
	}

	/**
	 * Return the configured columns of the new row, or of the old row for a delete.
	 * @return the row, or {@code null} for a statement-level event
	 */
	public @Nullable T data() {
		return this.data;
	}

	/**
	 * Return the old row's columns on an update with {@code include-old}.
	 * @return the old row, otherwise {@code null}
	 */
	public @Nullable T old() {
		return this.old;
	}

	/**
	 * Return the number of rows a statement-level event touched, where PostgreSQL can tell.
	 * @return the count, otherwise {@code null}
	 */
	public @Nullable Long count() {
		return this.count;
	}

	/**
	 * Return the raw JSON payload (resolved in full when it overflowed, reassembled from its
	 * parts for a statement with rows).
	 * @return the payload
	 */
	public String payload() {
		return this.payload;
	}

	/**
	 * Return the event's id in Pigeon's change log, for durable delivery: unique and stable
	 * across redeliveries, the key to make a listener idempotent.
	 * @return the id, or {@code null} in notify mode
	 * @since 0.2.0
	 */
	public @Nullable Long id() {
		return this.id;
	}

	/**
	 * Return which call of the listener for this event this is, for durable delivery: 1 the
	 * first time, higher while the event is retried after failures or redriven from the dead
	 * letters. A redelivery after a take-over by another instance starts at 1 again.
	 * @return the attempt, always 1 in notify mode
	 * @since 0.2.0
	 */
	public int attempt() {
		return this.attempt;
	}

	/**
	 * Return the rows a statement-level event touched, with {@code include-rows}: the
	 * configured columns of the new rows, or of the old rows for a delete, reassembled from
	 * every notification they were sent in.
	 * @return the rows, otherwise {@code null}
	 * @since 0.2.0
	 */
	public @Nullable List<T> rows() {
		return this.rows;
	}

	/**
	 * Return the names of the columns an update changed, in table order, with
	 * {@code include-changed}.
	 * @return the columns, otherwise {@code null}
	 * @since 0.2.0
	 */
	public @Nullable List<String> changed() {
		return this.changed;
	}

	/**
	 * Return the custom settings the trigger read, by the configured keys, with
	 * {@code context}; a setting that was unset or empty maps to {@code null}.
	 * @return the settings, otherwise {@code null}
	 * @since 0.2.0
	 */
	public @Nullable Map<String, @Nullable String> context() {
		return this.context;
	}

	@Override
	public boolean equals(@Nullable Object other) {
		if (this == other) {
			return true;
		}
		if (!(other instanceof PigeonEvent<?> event)) {
			return false;
		}
		return Objects.equals(this.channel, event.channel) && this.action == event.action
				&& Objects.equals(this.schema, event.schema) && Objects.equals(this.table, event.table)
				&& Objects.equals(this.data, event.data) && Objects.equals(this.old, event.old)
				&& Objects.equals(this.count, event.count) && Objects.equals(this.payload, event.payload)
				&& Objects.equals(this.id, event.id) && this.attempt == event.attempt
				&& Objects.equals(this.rows, event.rows) && Objects.equals(this.changed, event.changed)
				&& Objects.equals(this.context, event.context);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.channel, this.action, this.schema, this.table, this.data, this.old, this.count,
				this.payload, this.id, this.attempt, this.rows, this.changed, this.context);
	}

	@Override
	public String toString() {
		return "PigeonEvent[channel=" + this.channel + ", action=" + this.action + ", schema=" + this.schema
				+ ", table=" + this.table + ", data=" + this.data + ", old=" + this.old + ", count=" + this.count
				+ ((this.rows != null) ? ", rows=" + this.rows.size() : "")
				+ ((this.changed != null) ? ", changed=" + this.changed : "")
				+ ((this.context != null) ? ", context=" + this.context : "") + ", payload=" + this.payload
				+ ((this.id != null) ? ", id=" + this.id + ", attempt=" + this.attempt : "") + "]";
	}

	/**
	 * Builds a {@link PigeonEvent}; properties not given keep their defaults ({@code null} rows,
	 * count, changed columns, context and id, attempt 1).
	 *
	 * @param <T> the type {@code data} and {@code old} are bound to
	 * @since 0.1.0
	 */
	public static final class Builder<T> {

		private final String channel;

		private final PigeonAction action;

		private final String schema;

		private final String table;

		private @Nullable T data;

		private @Nullable T old;

		private @Nullable Long count;

		private @Nullable String payload;

		private @Nullable Long id;

		private int attempt = 1;

		private @Nullable List<T> rows;

		private @Nullable List<String> changed;

		private @Nullable Map<String, @Nullable String> context;

		private Builder(String channel, PigeonAction action, String schema, String table) {
			this.channel = channel;
			this.action = action;
			this.schema = schema;
			this.table = table;
		}

		/**
		 * Set the configured columns of the new row, or of the old row for a delete.
		 * @param data the row, or {@code null}
		 * @return this builder
		 */
		public Builder<T> data(@Nullable T data) {
			this.data = data;
			return this;
		}

		/**
		 * Set the old row's columns of an update with {@code include-old}.
		 * @param old the old row, or {@code null}
		 * @return this builder
		 */
		public Builder<T> old(@Nullable T old) {
			this.old = old;
			return this;
		}

		/**
		 * Set the number of rows a statement-level event touched.
		 * @param count the count, or {@code null}
		 * @return this builder
		 */
		public Builder<T> count(@Nullable Long count) {
			this.count = count;
			return this;
		}

		/**
		 * Set the rows a statement-level event touched, with {@code include-rows}.
		 * @param rows the rows, or {@code null}
		 * @return this builder
		 * @since 0.2.0
		 */
		public Builder<T> rows(@Nullable List<T> rows) {
			this.rows = rows;
			return this;
		}

		/**
		 * Set the names of the columns an update changed, with {@code include-changed}.
		 * @param changed the columns, or {@code null}
		 * @return this builder
		 * @since 0.2.0
		 */
		public Builder<T> changed(@Nullable List<String> changed) {
			this.changed = changed;
			return this;
		}

		/**
		 * Set the custom settings the trigger read, with {@code context}.
		 * @param context the settings by key, or {@code null}
		 * @return this builder
		 * @since 0.2.0
		 */
		public Builder<T> context(@Nullable Map<String, @Nullable String> context) {
			this.context = context;
			return this;
		}

		/**
		 * Set the raw JSON payload; required.
		 * @param payload the payload
		 * @return this builder
		 */
		public Builder<T> payload(String payload) {
			this.payload = payload;
			return this;
		}

		/**
		 * Set the event's id in Pigeon's change log (durable delivery).
		 * @param id the id, or {@code null} (the default) in notify mode
		 * @return this builder
		 * @since 0.2.0
		 */
		public Builder<T> id(@Nullable Long id) {
			this.id = id;
			return this;
		}

		/**
		 * Set which call of the listener for this event this is.
		 * @param attempt the attempt, from 1 (the default)
		 * @return this builder
		 * @throws IllegalArgumentException if {@code attempt} is less than 1
		 * @since 0.2.0
		 */
		public Builder<T> attempt(int attempt) {
			if (attempt < 1) {
				throw new IllegalArgumentException("attempt must be at least 1, was " + attempt);
			}
			this.attempt = attempt;
			return this;
		}

		/**
		 * Build the event.
		 * @return the event
		 * @throws IllegalStateException if no payload was given
		 */
		public PigeonEvent<T> build() {
			String payload = this.payload;
			if (payload == null) {
				throw new IllegalStateException("A PigeonEvent needs its raw JSON payload: call payload(json) "
						+ "before build()");
			}
			return new PigeonEvent<>(this, payload);
		}

	}

}
