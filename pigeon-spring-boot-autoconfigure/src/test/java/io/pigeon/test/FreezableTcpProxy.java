package io.pigeon.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of the test database that can go silent ({@link #freeze()}: connections
 * stay open but nothing is forwarded, like a peer behind a dead network) or refuse connections
 * ({@link #refuse()}: like a server that is down), to test how a client notices and recovers.
 * {@link #freezeAfter(long)} freezes in the middle of what the server sends, after a given number
 * of bytes: like a network that fails halfway through a message.
 */
public final class FreezableTcpProxy implements AutoCloseable {

	private final String targetHost;

	private final int targetPort;

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private final Object monitor = new Object();

	private volatile ServerSocket serverSocket;

	private volatile int port;

	private boolean frozen;

	/**
	 * Bytes still to forward from the server before freezing, or {@code -1} when unbounded.
	 */
	private long downstreamAllowance = -1;

	private volatile boolean closed;

	private FreezableTcpProxy(String targetHost, int targetPort) {
		this.targetHost = targetHost;
		this.targetPort = targetPort;
	}

	/**
	 * Start a proxy in front of the server named by a {@code jdbc:postgresql://host:port/db} URL.
	 * @param jdbcUrl the URL of the server to forward to
	 * @return the running proxy
	 * @throws IOException if no local port can be opened
	 */
	public static FreezableTcpProxy forJdbcUrl(String jdbcUrl) throws IOException {
		URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
		FreezableTcpProxy proxy = new FreezableTcpProxy(uri.getHost(), (uri.getPort() != -1) ? uri.getPort() : 5432);
		proxy.accept(0);
		return proxy;
	}

	/**
	 * Return the given JDBC URL with host and port replaced by the proxy's.
	 * @param jdbcUrl a {@code jdbc:postgresql://host:port/db} URL
	 * @return the URL through the proxy
	 */
	public String proxiedUrl(String jdbcUrl) {
		URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
		String rest = jdbcUrl.substring(jdbcUrl.indexOf('/', "jdbc:postgresql://".length()));
		return "jdbc:" + uri.getScheme() + "://127.0.0.1:" + this.port + rest;
	}

	public int getPort() {
		return this.port;
	}

	/**
	 * Stop forwarding on every connection, existing and new, without closing any.
	 */
	public void freeze() {
		synchronized (this.monitor) {
			this.frozen = true;
		}
	}

	/**
	 * Forward the given number of further bytes from the server to the client, then freeze as
	 * {@link #freeze()} does; the rest of what the server sent is held until {@link #unfreeze()}.
	 * @param bytes how many bytes to forward first
	 */
	public void freezeAfter(long bytes) {
		synchronized (this.monitor) {
			this.downstreamAllowance = bytes;
		}
	}

	/**
	 * Forward again.
	 */
	public void unfreeze() {
		synchronized (this.monitor) {
			this.frozen = false;
			this.downstreamAllowance = -1;
			this.monitor.notifyAll();
		}
	}

	/**
	 * Close every connection and refuse new ones, until {@link #accept()}.
	 * @throws IOException if the listening socket cannot be closed
	 */
	public void refuse() throws IOException {
		this.serverSocket.close();
		for (Socket socket : this.sockets) {
			closeQuietly(socket);
		}
	}

	/**
	 * Accept connections again, on the same port, after {@link #refuse()}.
	 * @throws IOException if the port cannot be opened again
	 */
	public void accept() throws IOException {
		accept(this.port);
	}

	private void accept(int port) throws IOException {
		ServerSocket serverSocket = new ServerSocket();
		serverSocket.setReuseAddress(true);
		serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
		this.serverSocket = serverSocket;
		this.port = serverSocket.getLocalPort();
		Thread acceptor = new Thread(() -> acceptConnections(serverSocket), "test-proxy-accept");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	private void acceptConnections(ServerSocket serverSocket) {
		while (!serverSocket.isClosed()) {
			try {
				Socket client = serverSocket.accept();
				Socket server = new Socket(this.targetHost, this.targetPort);
				this.sockets.add(client);
				this.sockets.add(server);
				pump(client, server, false, "test-proxy-up");
				pump(server, client, true, "test-proxy-down");
			}
			catch (IOException ex) {
				// Closed by refuse() or close().
			}
		}
	}

	private void pump(Socket from, Socket to, boolean downstream, String name) {
		Thread thread = new Thread(() -> {
			byte[] buffer = new byte[16384];
			try (from; to) {
				InputStream in = from.getInputStream();
				OutputStream out = to.getOutputStream();
				int read;
				while ((read = in.read(buffer)) != -1) {
					int offset = 0;
					while (offset < read) {
						int forwardable = awaitForwardable(downstream, read - offset);
						out.write(buffer, offset, forwardable);
						out.flush();
						offset += forwardable;
					}
				}
			}
			catch (IOException | InterruptedException ex) {
				// The other side closed, or the proxy did.
			}
			finally {
				this.sockets.remove(from);
				this.sockets.remove(to);
			}
		}, name);
		thread.setDaemon(true);
		thread.start();
	}

	private int awaitForwardable(boolean downstream, int wanted) throws InterruptedException, SocketException {
		synchronized (this.monitor) {
			while (true) {
				while (this.frozen && !this.closed) {
					this.monitor.wait();
				}
				if (this.closed) {
					throw new SocketException("proxy closed");
				}
				if (!downstream || this.downstreamAllowance < 0) {
					return wanted;
				}
				if (this.downstreamAllowance == 0) {
					this.frozen = true;
					this.downstreamAllowance = -1;
					continue;
				}
				int forwardable = (int) Math.min(wanted, this.downstreamAllowance);
				this.downstreamAllowance -= forwardable;
				return forwardable;
			}
		}
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// Already closed.
		}
	}

	@Override
	public void close() throws IOException {
		this.closed = true;
		unfreeze();
		refuse();
	}

}
