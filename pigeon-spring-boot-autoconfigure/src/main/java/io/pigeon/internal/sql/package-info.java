/**
 * Pure SQL generation for Pigeon's triggers, functions and own tables: typed definitions in, SQL text out, no Spring and no I/O.
 */
@NullMarked
package io.pigeon.internal.sql;

import org.jspecify.annotations.NullMarked;
