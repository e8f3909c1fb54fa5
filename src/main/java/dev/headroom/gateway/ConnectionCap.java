package dev.headroom.gateway;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At most {@code max} client connections open at once ({@link ClientLimits#maxConnections()}); one more is answered
 * 503 as soon as it connects, before its request is read, and closed. Its output is shut first and what it sends is
 * read and dropped for a moment before the close, so the client reads the answer rather than a connection reset.
 */
final class ConnectionCap {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionCap.class);
  private final int max;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicBoolean warned = new AtomicBoolean();
  private final byte[] refusal;

  ConnectionCap(int max) {
    this.max = max;
    byte[] body = HttpJson.errorBody(503, "Too many open connections to Headroom (at most " + max
        + "); close idle ones or try again later", Map.of());
    byte[] head = ("HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: "
        + body.length + "\r\nconnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    this.refusal = new byte[head.length + body.length];
    System.arraycopy(head, 0, refusal, 0, head.length);
    System.arraycopy(body, 0, refusal, head.length, body.length);
  }

  /** Counts {@code ch} until it closes and returns true, or refuses it (503, then closed) and returns false. */
  boolean admit(SocketChannel ch) {
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      refuse(ch);
      return false;
    }
    ch.closeFuture().addListener(f -> {
      if (open.decrementAndGet() < max) {
        warned.set(false);
      }
    });
    return true;
  }

  int open() {
    return open.get();
  }

  private void refuse(SocketChannel ch) {
    if (warned.compareAndSet(false, true)) {
      LOG.warn("{} client connections are open, the most the loopback server keeps; answering new ones 503 until "
          + "some close", max);
    }
    ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
      }
    });
    ch.writeAndFlush(Unpooled.wrappedBuffer(refusal)).addListener(f -> {
      ch.shutdownOutput();
      ch.eventLoop().schedule(() -> ch.close(), 1, TimeUnit.SECONDS);
    });
  }
}
