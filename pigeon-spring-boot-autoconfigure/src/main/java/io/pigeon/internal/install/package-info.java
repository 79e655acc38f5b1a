/**
 * Installation of Pigeon's triggers: catalog validation, the install history, the Flyway-style installer and script export.
 */
@NullMarked
package io.pigeon.internal.install;

import org.jspecify.annotations.NullMarked;
