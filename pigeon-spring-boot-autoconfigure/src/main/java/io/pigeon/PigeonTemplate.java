package io.pigeon;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import io.pigeon.internal.payload.PayloadContract;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.Assert;

/**
 * Sends notifications with {@code pg_notify}, on the current transaction's connection when there
 * is one: as PostgreSQL does, the notification is delivered when that transaction commits, and
 * never if it rolls back.
 * <p>
 * It also sets what Pigeon's triggers read in the current transaction: the custom settings a
 * trigger's {@code context} sends ({@link #setContext(String, String)}) and the silencing
 * setting ({@link #silenced(Supplier)}). Both are set with {@code set_config(..., true)}, local to
 * the transaction: they end with it, so nothing is left on a pooled connection for its next
 * borrower. Outside a Spring-managed transaction (with a transaction manager whose connection the
 * {@link JdbcOperations} share, as {@code DataSourceTransactionManager} and
 * {@code JpaTransactionManager} provide) a transaction-local setting would last one statement, so
 * these methods refuse to run there.
 *
 * @since 0.1.0
 */
public class PigeonTemplate {

	/**
	 * A custom setting's name: two or more names separated by dots.
	 */
	private static final Pattern CUSTOM_SETTING = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)+");

	/**
	 * PostgreSQL refuses payloads of this many bytes or more.
	 */
	private static final int MAX_PAYLOAD_BYTES = 8000;

	private final JdbcOperations jdbc;

	private final JsonMapper jsonMapper;

	/**
	 * Create a new template.
	 * @param jdbc the application's JDBC access, which takes part in its transactions
	 * @param jsonMapper serialises payloads
	 */
	public PigeonTemplate(JdbcOperations jdbc, JsonMapper jsonMapper) {
		this.jdbc = jdbc;
		this.jsonMapper = jsonMapper;
	}

	/**
	 * Notify a channel. A {@link CharSequence} payload is sent as it is (already serialised);
	 * anything else is serialised to JSON.
	 * @param channel the channel, case-sensitive
	 * @param payload the payload
	 * @throws IllegalArgumentException if the payload reaches PostgreSQL's limit of 8000 bytes
	 */
	public void notify(String channel, Object payload) {
		Assert.hasText(channel, "'channel' must not be empty");
		Assert.notNull(payload, "'payload' must not be null");
		String text = (payload instanceof CharSequence sequence) ? sequence.toString()
				: this.jsonMapper.writeValueAsString(payload);
		int bytes = text.getBytes(StandardCharsets.UTF_8).length;
		Assert.isTrue(bytes < MAX_PAYLOAD_BYTES, () -> "A notification payload must be shorter than "
				+ MAX_PAYLOAD_BYTES + " bytes (PostgreSQL's limit), but this one has " + bytes
				+ ": send a key and read the rest from a table");
		this.jdbc.query("SELECT pg_notify(?, ?)", (resultSet) -> {
		}, channel, text);
	}

	/**
	 * Set a custom setting for the rest of the current transaction, as a trigger's
	 * {@code context} reads it, for example the user on whose behalf the transaction writes.
	 * @param setting the setting's name, for example {@code app.user_id}
	 * @param value the value, or {@code null} (sent as {@code null}, as an empty value is)
	 * @throws IllegalStateException if no Spring-managed transaction is active
	 * @since 0.2.0
	 */
	public void setContext(String setting, @Nullable String value) {
		Assert.isTrue(setting != null && CUSTOM_SETTING.matcher(setting).matches(), () -> "'" + setting
				+ "' is not the name of a custom setting: use two or more names separated by dots, such as app.user_id");
		Assert.isTrue(!setting.regionMatches(true, 0, "pigeon.", 0, 7),
				() -> "Settings under pigeon. are Pigeon's own: use silenced(...) to silence the triggers");
		requireTransaction("setContext");
		setLocal(setting, (value != null) ? value : "");
	}

	/**
	 * Set several custom settings for the rest of the current transaction.
	 * @param settings the values by setting name
	 * @throws IllegalStateException if no Spring-managed transaction is active
	 * @since 0.2.0
	 * @see #setContext(String, String)
	 */
	public void setContext(Map<String, ? extends @Nullable String> settings) {
		settings.forEach(this::setContext);
	}

	/**
	 * Run a callback in the current transaction with every Pigeon trigger silenced: what it
	 * writes sends no notification (and writes nothing to the change log). The setting
	 * ({@code pigeon.silence}, see the README) is restored afterwards, so writes of the same
	 * transaction after the callback notify again.
	 * @param <T> the callback's result type
	 * @param callback the writes to silence
	 * @return the callback's result
	 * @throws IllegalStateException if no Spring-managed transaction is active
	 * @since 0.2.0
	 */
	public <T> T silenced(Supplier<T> callback) {
		requireTransaction("silenced");
		String previous = this.jdbc.queryForObject("SELECT coalesce(current_setting(?, true), '')", String.class,
				PayloadContract.SILENCE_SETTING);
		setLocal(PayloadContract.SILENCE_SETTING, "on");
		try {
			return callback.get();
		}
		finally {
			try {
				setLocal(PayloadContract.SILENCE_SETTING, (previous != null) ? previous : "");
			}
			catch (DataAccessException ex) {
				// The callback failed the transaction, which rolls back with the setting.
			}
		}
	}

	/**
	 * Run a callback in the current transaction with every Pigeon trigger silenced.
	 * @param callback the writes to silence
	 * @throws IllegalStateException if no Spring-managed transaction is active
	 * @since 0.2.0
	 * @see #silenced(Supplier)
	 */
	public void silenced(Runnable callback) {
		silenced(() -> {
			callback.run();
			return null;
		});
	}

	private void setLocal(String setting, String value) {
		this.jdbc.query("SELECT set_config(?, ?, true)", (resultSet) -> {
		}, setting, value);
	}

	private static void requireTransaction(String method) {
		if (!TransactionSynchronizationManager.isActualTransactionActive()) {
			throw new IllegalStateException("PigeonTemplate." + method + " needs an active transaction "
					+ "(@Transactional or a TransactionTemplate): its setting is local to the transaction, and "
					+ "outside one it would end with its own statement");
		}
	}

}
