package io.pigeon.internal.listener.notify;

import org.jspecify.annotations.Nullable;

/**
 * Thrown at start-up when the listener connection cannot be established and
 * {@code pigeon.listener.fail-fast} is {@code true} (the default).
 *
 * @since 0.1.0
 */
public class ListenerStartupException extends IllegalStateException {

	private final @Nullable String url;

	/**
	 * Create a new exception.
	 * @param url the JDBC URL without its parameters, or {@code null} when none is known
	 * @param cause why the connection failed
	 */
	public ListenerStartupException(@Nullable String url, Throwable cause) {
		super("Pigeon's listener could not LISTEN" + ((url != null) ? " on " + url : "") + ": " + cause.getMessage(),
				cause);
		this.url = url;
	}

	/**
	 * Return the JDBC URL the listener tried, without its parameters.
	 * @return the URL, or {@code null} when none is known
	 */
	public @Nullable String getUrl() {
		return this.url;
	}

	/**
	 * Return whether the server reached is a hot standby, where LISTEN cannot work.
	 * @return {@code true} if the cause is a hot standby
	 */
	public boolean isHotStandby() {
		return getCause() instanceof ListenerConnectionFactory.HotStandbyException;
	}

}
