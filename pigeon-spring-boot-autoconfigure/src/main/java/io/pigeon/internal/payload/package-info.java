/**
 * Internal: Pigeon's payload contract, the one home of the keys a change payload carries and the
 * rules of when each appears. The trigger SQL writes payloads by it, the listener reads them by it,
 * and tests (and the test kit) build them with it, so adding a key is one change here.
 */
@NullMarked
package io.pigeon.internal.payload;

import org.jspecify.annotations.NullMarked;
