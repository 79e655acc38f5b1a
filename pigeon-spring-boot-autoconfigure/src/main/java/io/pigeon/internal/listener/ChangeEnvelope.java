package io.pigeon.internal.listener;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import org.jspecify.annotations.Nullable;

/**
 * The members of a change notification that carry row values, for binding them to a listener's
 * type straight from the payload text with the application's {@code JsonMapper}: numbers keep
 * their exact value and every setting of the mapper applies, as if the application read the
 * JSON itself.
 *
 * @param <T> the type rows are bound to
 * @param data the new row, or the old row of a delete
 * @param old the old row of an update, with {@code include-old}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record ChangeEnvelope<T>(@Nullable T data, @Nullable T old) {

}
