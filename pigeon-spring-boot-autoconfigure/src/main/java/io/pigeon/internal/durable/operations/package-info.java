/**
 * Operating durable delivery: the log's maintenance (rotation, truncation, stale
 * subscriptions), the {@link io.pigeon.PigeonSubscriptions} implementation and the sampled
 * status that metrics and health read. Internal: not an API.
 */
@NullMarked
package io.pigeon.internal.durable.operations;

import org.jspecify.annotations.NullMarked;
