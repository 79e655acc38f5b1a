package io.pigeon.internal.listener;

import java.util.Map;

import io.pigeon.PigeonAction;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.expression.EvaluationContext;
import org.springframework.expression.spel.support.MapAccessor;
import org.springframework.expression.spel.support.StandardEvaluationContext;

/**
 * What a {@link ListenerCondition} is evaluated against: one notification, shared by every
 * listener of its channel, with {@code data} and {@code old} as maps of column to value. The maps
 * are read at most once per notification, and only when a condition asks for them: from the rows
 * the parser bound in advance when some method of the channel takes a {@code Map<String, Object>},
 * otherwise with one more read of the payload text. The view is both the expression's root object
 * and its variable {@code #event}.
 *
 * @since 0.1.0
 */
public final class ChangeView {

	private final IncomingNotification notification;

	private final JsonMapper jsonMapper;

	private @Nullable ChangeEnvelope<?> rows;

	private @Nullable EvaluationContext evaluationContext;

	/**
	 * Create a view of a notification.
	 * @param notification the notification
	 * @param jsonMapper reads the rows when they are asked for
	 */
	public ChangeView(IncomingNotification notification, JsonMapper jsonMapper) {
		this.notification = notification;
		this.jsonMapper = jsonMapper;
	}

	IncomingNotification getNotification() {
		return this.notification;
	}

	public String getChannel() {
		return this.notification.channel();
	}

	public @Nullable PigeonAction getAction() {
		return this.notification.action();
	}

	public @Nullable String getSchema() {
		return this.notification.schema();
	}

	public @Nullable String getTable() {
		return this.notification.table();
	}

	public @Nullable Long getCount() {
		return this.notification.count();
	}

	public String getPayload() {
		return this.notification.payload();
	}

	/**
	 * Return the new row, or the old row of a delete.
	 * @return the row as a map of column to value, or {@code null} when the payload has none
	 */
	public @Nullable Object getData() {
		return rows().data();
	}

	/**
	 * Return the old row of an update, with {@code include-old}.
	 * @return the row as a map of column to value, or {@code null} when the payload has none
	 */
	public @Nullable Object getOld() {
		return rows().old();
	}

	private ChangeEnvelope<?> rows() {
		ChangeEnvelope<?> rows = this.rows;
		if (rows == null) {
			JavaType mapType = this.jsonMapper.getTypeFactory()
				.constructMapType(Map.class, String.class, Object.class);
			rows = this.notification.envelope(mapType);
			if (rows == null) {
				rows = this.jsonMapper.readValue(this.notification.payload(),
						this.jsonMapper.getTypeFactory().constructParametricType(ChangeEnvelope.class, mapType));
			}
			this.rows = rows;
		}
		return rows;
	}

	EvaluationContext evaluationContext() {
		EvaluationContext context = this.evaluationContext;
		if (context == null) {
			StandardEvaluationContext standard = new StandardEvaluationContext(this);
			standard.addPropertyAccessor(new MapAccessor());
			standard.setVariable("event", this);
			this.evaluationContext = standard;
			context = standard;
		}
		return context;
	}

}
