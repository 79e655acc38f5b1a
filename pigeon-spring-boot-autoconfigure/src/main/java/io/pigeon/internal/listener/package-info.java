/**
 * What every delivery mode shares: the {@code @PigeonListener} endpoints found by the annotation
 * post-processor, the registry (the {@code SmartLifecycle}) that hands them to one container per
 * delivery mode, the container contract ({@link io.pigeon.internal.listener.ListenerContainer},
 * {@link io.pigeon.internal.listener.AbstractListenerContainer},
 * {@link io.pigeon.internal.listener.ListenerContainerFactory}) and its status, and the delivery
 * of a change to a method: signature resolution, the method adapter, the failure handler and the
 * metrics it records; and what every mode shares of per-listener control: each listener's
 * {@link io.pigeon.internal.listener.ListenerControl} (started, paused), its
 * {@link io.pigeon.internal.listener.ListenerCondition} and the
 * {@link io.pigeon.internal.listener.ChangeView} conditions are evaluated against.
 */
@NullMarked
package io.pigeon.internal.listener;

import org.jspecify.annotations.NullMarked;
