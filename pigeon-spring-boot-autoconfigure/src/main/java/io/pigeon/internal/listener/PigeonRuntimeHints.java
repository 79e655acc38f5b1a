package io.pigeon.internal.listener;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.PGStream;
import org.postgresql.core.QueryExecutorBase;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;

/**
 * Registers, for a native image, what Pigeon itself reaches by reflection, whichever listener
 * methods an application has (those are {@link PigeonListenerReflectiveProcessor}'s): the
 * {@link ChangeEnvelope} Jackson binds every change into, and the pgjdbc internals
 * {@link PgjdbcNotificationLatencyTuner} adjusts. Without the latter the tuner would find nothing
 * and fall back to pgjdbc's stock behaviour, with its warning.
 * <p>
 * Registered in {@code META-INF/spring/aot.factories}. Pigeon reads no class path resources of its
 * own, so there are no resource hints.
 */
final class PigeonRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		new BindingReflectionHintsRegistrar().registerReflectionHints(hints.reflection(), ChangeEnvelope.class);
		// A listener's condition reads the change through SpEL, by its getters.
		hints.reflection().registerType(ChangeView.class, MemberCategory.INVOKE_PUBLIC_METHODS);
		hints.reflection()
			.registerType(BaseConnection.class,
					(type) -> type.withMethod("getQueryExecutor", List.of(), ExecutableMode.INVOKE))
			.registerType(QueryExecutorBase.class, (type) -> type.withField("pgStream"))
			.registerType(PGStream.class,
					(type) -> type.withField("nextStreamAvailableCheckTime")
						.withMethod("setMinStreamAvailableCheckDelay", List.of(TypeReference.of(int.class)),
								ExecutableMode.INVOKE));
	}

}
