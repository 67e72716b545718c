package dev.fewstep.serve;

import io.javalin.http.Context;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.Request;

/**
 * Tells whether the client of a request in progress has gone away, so its generation can be cancelled.
 *
 * <p>Jetty notices a closed connection only when it next reads or writes, and while a handler waits for a
 * generation it does neither: a client that gave up would keep its slot until the images were done. So this reads
 * the socket directly, without blocking: -1 means the client closed it. Jetty is not reading this connection while
 * the handler runs (the request body has been consumed and no fill is pending), so the read does not race it.
 *
 * <p>Clients send nothing while awaiting a response, with one exception: HTTP pipelining. If a byte of a pipelined
 * request is read, it cannot be put back, so the probe stops and the response closes the connection instead
 * ({@link #mustCloseAfterResponse()}), and the client retries that request as HTTP/1.1 requires. A client that
 * half-closes its side after sending counts as gone.
 */
final class ClientConnection {
    private final SocketChannel channel;
    private boolean consumedInput;

    private ClientConnection(SocketChannel channel) {
        this.channel = channel;
    }

    /** Call after the request body has been read. */
    static ClientConnection of(Context ctx) {
        try {
            EndPoint endPoint = Request.getBaseRequest(ctx.req()).getHttpChannel().getEndPoint();
            if (endPoint instanceof SocketChannelEndPoint socketEndPoint) {
                SelectableChannel selectable = socketEndPoint.getChannel();
                if (selectable instanceof SocketChannel socket && !socket.isBlocking()) {
                    return new ClientConnection(socket);
                }
            }
        } catch (RuntimeException e) {
            // Not a plain Jetty socket (e.g. another connector): no probe, disconnects are noticed on write only.
        }
        return new ClientConnection(null);
    }

    /** Whether the client has closed the connection; never blocks. */
    boolean isClosed() {
        if (channel == null || consumedInput) {
            return false;
        }
        try {
            int read = channel.read(ByteBuffer.allocate(1));
            if (read > 0) {
                consumedInput = true;
            }
            return read < 0;
        } catch (IOException e) {
            return true;
        }
    }

    /** Whether a pipelined request was disturbed and the connection must not be reused. */
    boolean mustCloseAfterResponse() {
        return consumedInput;
    }
}
