package io.pigeon.internal.listener;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.pigeon.internal.payload.PayloadContract;
import org.jspecify.annotations.Nullable;

/**
 * The members of a change notification that carry row values, bound to a listener's type with
 * the application's {@code JsonMapper}: numbers keep their exact value and every setting of the
 * mapper applies, as if the application read the JSON itself. {@link NotificationParser} builds
 * one while it reads the payload; a method binds one from the payload text when that was not
 * possible.
 *
 * @param <T> the type rows are bound to
 * @param data the new row, or the old row of a delete
 * @param old the old row of an update, with {@code include-old}
 * @param rows the rows of a statement, with {@code include-rows}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record ChangeEnvelope<T>(@JsonProperty(PayloadContract.DATA) @Nullable T data,
		@JsonProperty(PayloadContract.OLD) @Nullable T old, @JsonProperty(PayloadContract.ROWS) @Nullable List<T> rows) {

	ChangeEnvelope(@Nullable T data, @Nullable T old) {
		this(data, old, null);
	}

}
