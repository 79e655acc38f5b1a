package io.pigeon.internal.listener;

import kotlin.Metadata;
import kotlin.coroutines.Continuation;
import org.jspecify.annotations.Nullable;

/**
 * What the Kotlin compiler makes of {@code class SuspendingListener { suspend fun onChange(payload:
 * String) }}: a class carrying {@link Metadata @Metadata} and the function with an extra
 * {@link Continuation} parameter, returning {@code Object}. Written in Java because the build has no
 * Kotlin compiler; Spring's {@code KotlinDetector} tells Kotlin classes by the same two marks.
 */
@Metadata(k = 1, mv = { 2, 1, 0 })
class SuspendingListener {

	@Nullable Object onChange(String payload, Continuation<? super Object> continuation) {
		return null;
	}

}
