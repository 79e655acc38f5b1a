package io.pigeon.benchmark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The Markdown table a benchmark prints as it goes and again at its end, with the statistics
 * its rows use: means, and medians of per-round ratios (the machine's speed drifts more between
 * rounds than the compared variants differ, so only ratios within a round mean something).
 */
final class BenchmarkTable {

	private final List<String> rows = new ArrayList<>();

	/**
	 * Print a row now and keep it for {@link #print()}.
	 * @param measure what was measured
	 * @param result the result
	 * @param target the target, empty for none
	 * @param met whether the target was met
	 */
	void row(String measure, String result, String target, boolean met) {
		String line = String.format(Locale.ROOT, "| %s | %s | %s | %s |", measure, result, target,
				target.isEmpty() ? "" : (met ? "met" : "MISSED"));
		System.out.println(line);
		this.rows.add(line);
	}

	/**
	 * Print the whole table.
	 */
	void print() {
		System.out.println();
		System.out.println("| measure | result | target | |");
		System.out.println("|---|---|---|---|");
		this.rows.forEach(System.out::println);
	}

	static double mean(double[] values) {
		return Arrays.stream(values).average().orElse(Double.NaN);
	}

	static double medianRatio(double[] numerators, double[] denominators) {
		double[] ratios = new double[numerators.length];
		for (int i = 0; i < ratios.length; i++) {
			ratios[i] = numerators[i] / denominators[i];
		}
		Arrays.sort(ratios);
		return (ratios[(ratios.length - 1) / 2] + ratios[ratios.length / 2]) / 2;
	}

	static String format(double ratio) {
		return String.format(Locale.ROOT, "%.3f", ratio);
	}

}
