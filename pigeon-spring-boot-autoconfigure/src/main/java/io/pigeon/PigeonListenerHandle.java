package io.pigeon;

import java.util.List;

/**
 * One {@link PigeonListener @PigeonListener} method's run-time controls, found through the
 * {@link PigeonListenerRegistry}, after spring-kafka's {@code MessageListenerContainer}.
 * <ul>
 * <li><b>stopped</b>: the method is not called, and changes arriving meanwhile are not delivered
 * to it later either (they are not buffered). Other listeners on the same channels carry on, and
 * Pigeon keeps listening on every channel known at start-up, so starting the listener again
 * needs no new {@code LISTEN}.</li>
 * <li><b>paused</b> (while started): changes are held for the listener in the order they arrive,
 * up to {@code pigeon.listener.queue-capacity} per channel; what does not fit is dropped and
 * accounted for like any other drop (the {@code pigeon.notifications.dropped} metric, the
 * warning and a {@link PigeonNotificationsDroppedEvent}). {@link #resume()} delivers the held
 * changes in order before any newer one. Other listeners on the channels carry on receiving.</li>
 * </ul>
 * Stopping a paused listener discards what it holds, accounted for as dropped. Pausing is
 * independent of starting: a listener paused while stopped starts paused. All methods may be
 * called from any thread and return at once; listener calls in progress finish normally.
 *
 * @since 0.1.0
 */
public interface PigeonListenerHandle {

	/**
	 * Return the listener's id.
	 * @return the id
	 */
	String getId();

	/**
	 * Return the channels the listener listens on.
	 * @return the channel names
	 */
	List<String> getChannels();

	/**
	 * Return whether the listener starts with the application.
	 * @return the resolved {@link PigeonListener#autoStartup()}
	 */
	boolean isAutoStartup();

	/**
	 * Start delivering to the listener; does nothing if it is started.
	 * @throws IllegalStateException if Pigeon's listener itself is not running (before the
	 * application has started or after it has stopped)
	 */
	void start();

	/**
	 * Stop delivering to the listener; changes arriving while it is stopped are never delivered
	 * to it. Does nothing if it is stopped.
	 */
	void stop();

	/**
	 * Hold the changes for the listener until {@link #resume()}.
	 */
	void pause();

	/**
	 * Deliver the held changes, then carry on delivering.
	 */
	void resume();

	/**
	 * Return whether the listener is started (paused or not).
	 * @return {@code true} while started
	 */
	boolean isRunning();

	/**
	 * Return whether the listener is paused.
	 * @return {@code true} from {@link #pause()} until {@link #resume()}
	 */
	boolean isPaused();

}
