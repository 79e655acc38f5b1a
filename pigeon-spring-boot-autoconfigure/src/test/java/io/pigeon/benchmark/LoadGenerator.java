package io.pigeon.benchmark;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Concurrent writers inserting into a benchmark table, each on its own connection, either as
 * fast as they can or at a fixed total rate.
 */
final class LoadGenerator {

	private final BenchmarkDatabase database;

	private final int writers;

	LoadGenerator(BenchmarkDatabase database, int writers) {
		this.database = database;
		this.writers = writers;
	}

	/**
	 * Insert {@code changes} rows in total, as fast as possible.
	 * @param table the quoted, qualified table
	 * @param changes the total number of rows
	 * @param rowsPerTransaction how many rows each transaction inserts
	 * @return the number of rows inserted
	 */
	long runFlatOut(String table, int changes, int rowsPerTransaction) throws Exception {
		int perWriter = changes / this.writers;
		return runWriters((writer) -> {
			try (Connection connection = this.database.connect()) {
				return insert(connection, table, writer, perWriter, rowsPerTransaction, 0);
			}
		});
	}

	/**
	 * Insert single-row transactions at a fixed total rate for a while.
	 * @param table the quoted, qualified table
	 * @param changesPerSecond the total rate across all writers
	 * @param seconds how long to write
	 * @return the number of rows inserted
	 */
	long runAtRate(String table, int changesPerSecond, int seconds) throws Exception {
		int perWriter = changesPerSecond * seconds / this.writers;
		long intervalNanos = TimeUnit.SECONDS.toNanos(1) * this.writers / changesPerSecond;
		return runWriters((writer) -> {
			try (Connection connection = this.database.connect()) {
				return insert(connection, table, writer, perWriter, 1, intervalNanos);
			}
		});
	}

	/**
	 * Insert single-row transactions as fast as possible for a while and report the rate.
	 * @param table the quoted, qualified table
	 * @param seconds how long to write
	 * @return the committed transactions per second across all writers
	 */
	double measureInsertTps(String table, int seconds) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
		long start = System.nanoTime();
		long total = runWriters((writer) -> {
			try (Connection connection = this.database.connect()) {
				long count = 0;
				while (System.nanoTime() < deadline) {
					count += insert(connection, table, writer, 200, 1, 0);
				}
				return count;
			}
		});
		return total / ((System.nanoTime() - start) / 1e9);
	}

	private long runWriters(WriterTask task) throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(this.writers);
		try {
			List<Future<Long>> futures = new ArrayList<>();
			for (int writer = 0; writer < this.writers; writer++) {
				int id = writer;
				futures.add(executor.submit((Callable<Long>) () -> task.run(id)));
			}
			long total = 0;
			for (Future<Long> future : futures) {
				total += future.get();
			}
			return total;
		}
		finally {
			executor.shutdownNow();
		}
	}

	private static long insert(Connection connection, String table, int writer, int rows, int rowsPerTransaction,
			long intervalNanos) throws SQLException {
		String sql = "INSERT INTO " + table + " (writer, wseq) SELECT ?, g FROM generate_series(?::bigint, ?::bigint) g";
		connection.setAutoCommit(true);
		long next = System.nanoTime();
		long seq = System.nanoTime();
		try (PreparedStatement insert = connection.prepareStatement(sql)) {
			int done = 0;
			while (done < rows) {
				if (intervalNanos > 0) {
					long wait = next - System.nanoTime();
					if (wait > 0) {
						LockSupport.parkNanos(wait);
					}
					next += intervalNanos;
				}
				int batch = Math.min(rowsPerTransaction, rows - done);
				insert.setInt(1, writer);
				insert.setLong(2, seq);
				insert.setLong(3, seq + batch - 1);
				insert.executeUpdate();
				seq += batch;
				done += batch;
			}
			return done;
		}
	}

	@FunctionalInterface
	private interface WriterTask {

		long run(int writer) throws Exception;

	}

}
