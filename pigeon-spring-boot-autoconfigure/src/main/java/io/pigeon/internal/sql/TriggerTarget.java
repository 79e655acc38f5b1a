package io.pigeon.internal.sql;

import java.util.List;

/**
 * What the catalog says about the relation a trigger is on, for the {@link TriggerRules} that
 * depend on it; reading the catalog is the caller's job.
 *
 * @param kind the relation's kind
 * @param columns the relation's columns, in their order
 * @since 0.1.0
 */
public record TriggerTarget(Kind kind, List<String> columns) {

	/**
	 * Create a new instance.
	 * @param kind the relation's kind
	 * @param columns the relation's columns, in their order
	 */
	public TriggerTarget {
		columns = List.copyOf(columns);
	}

	/**
	 * The kinds of relation that can have triggers, as far as the rules tell them apart:
	 * PostgreSQL allows other triggers on views than on tables.
	 */
	public enum Kind {

		/**
		 * An ordinary table.
		 */
		TABLE("table"),

		/**
		 * A partitioned table; PostgreSQL gives its row-level triggers to every partition, but
		 * its statement-level triggers fire only for statements naming it.
		 */
		PARTITIONED_TABLE("partitioned table"),

		/**
		 * A view.
		 */
		VIEW("view");

		private final String description;

		Kind(String description) {
			this.description = description;
		}

		/**
		 * Return the kind as users read it, e.g. {@code partitioned table}.
		 * @return the description
		 */
		@Override
		public String toString() {
			return this.description;
		}

	}

}
