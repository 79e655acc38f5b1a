package io.pigeon.internal.listener.notify;

import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.SocketFactory;

/**
 * A socket factory for pgjdbc's {@code socketFactory} property whose sockets count how often
 * pgjdbc arms the 1 ms time-out it uses to peek for more data: every such peek is a wait for the
 * socket to go quiet.
 */
public class PeekCountingSocketFactory extends SocketFactory {

	static final AtomicInteger peeks = new AtomicInteger();

	@Override
	public Socket createSocket() {
		return new PeekCountingSocket();
	}

	@Override
	public Socket createSocket(String host, int port) {
		throw new UnsupportedOperationException("pgjdbc creates unconnected sockets");
	}

	@Override
	public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
		throw new UnsupportedOperationException("pgjdbc creates unconnected sockets");
	}

	@Override
	public Socket createSocket(InetAddress host, int port) {
		throw new UnsupportedOperationException("pgjdbc creates unconnected sockets");
	}

	@Override
	public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) {
		throw new UnsupportedOperationException("pgjdbc creates unconnected sockets");
	}

	private static final class PeekCountingSocket extends Socket {

		@Override
		public synchronized void setSoTimeout(int timeout) throws SocketException {
			if (timeout == 1) {
				peeks.incrementAndGet();
			}
			super.setSoTimeout(timeout);
		}

	}

}
