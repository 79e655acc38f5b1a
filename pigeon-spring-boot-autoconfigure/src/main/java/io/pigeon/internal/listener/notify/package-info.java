/**
 * The notify delivery mode: {@link io.pigeon.internal.listener.notify.NotifyListenerContainer}
 * with its dedicated LISTEN connection ({@code ListenerConnectionFactory}, pgjdbc's latency
 * tuning), the one reading thread ({@code NotificationReader}, reconnecting with back-off), a
 * dispatcher per channel with its bounded buffer and dropped-notification reports, the per-listener
 * gates that skip stopped listeners and hold changes for paused ones ({@code ListenerGates}), and overflow
 * payloads (resolution and clean-up).
 */
@NullMarked
package io.pigeon.internal.listener.notify;

import org.jspecify.annotations.NullMarked;
