package io.pigeon.internal.listener;

/**
 * Receives what the listener measures. Pigeon records to Micrometer when it is on the class path;
 * otherwise measurements go to {@link #NONE}.
 *
 * @since 0.1.0
 */
public interface ListenerMetrics {

	/**
	 * Measurements that are discarded.
	 */
	ListenerMetrics NONE = new ListenerMetrics() {

		@Override
		public ChannelMetrics channel(String channel) {
			return ChannelMetrics.NONE;
		}

		@Override
		public void reconnected() {
		}

	};

	/**
	 * Return the measurements of one channel, called once per channel at start-up so that
	 * recording costs no look-up.
	 * @param channel the channel
	 * @return its measurements
	 */
	ChannelMetrics channel(String channel);

	/**
	 * Record that the connection was re-established after an outage.
	 */
	void reconnected();

	/**
	 * Measurements of one channel.
	 */
	interface ChannelMetrics {

		/**
		 * Measurements that are discarded.
		 */
		ChannelMetrics NONE = new ChannelMetrics() {

			@Override
			public void received() {
			}

			@Override
			public void dropped() {
			}

			@Override
			public void lag(long micros) {
			}

			@Override
			public void invoked(boolean success, long nanos) {
			}

		};

		/**
		 * Record a notification read from the connection, called on the reading thread.
		 */
		void received();

		/**
		 * Record a notification dropped because the channel's buffer was full, called on the
		 * reading thread.
		 */
		void dropped();

		/**
		 * Record the time from the change (the payload's {@code ts}) to its dispatch.
		 * @param micros the lag in microseconds
		 */
		void lag(long micros);

		/**
		 * Record one call of a listener method.
		 * @param success whether it returned normally
		 * @param nanos how long it took
		 */
		void invoked(boolean success, long nanos);

		/**
		 * Record a notification that was not delivered to a listener method because it is forged
		 * or not what the method binds.
		 * @param reason why
		 */
		default void rejected(RejectionReason reason) {
		}

	}

}
