package dev.headroom.gateway;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One kept-alive connection to a backend, and the last handler of its pipeline: what it reads goes to the request it
 * serves now ({@link Listener}); read while idle in the pool, it is not reusable and is closed. It also times the
 * backend's answer: one check is scheduled at a time and re-reads the deadline when it fires, so a request costs a
 * clock read, not a timer (every request on a connection has the same timeout, so the pending check is never later
 * than the current deadline). Confined to the connection's event loop.
 */
final class BackendConnection extends ChannelInboundHandlerAdapter {
  /** Receives what the connection reads while it serves a request. */
  interface Listener {
    void read(Object msg);

    void readComplete();

    void closed();

    /** No response headers arrived within the time given to {@link #expectAnswerWithin(long)}. */
    void timedOut();
  }

  final Backend backend;
  private Channel channel;
  private Listener listener;
  private long deadline; // System.nanoTime() by which response headers are due; 0: none expected
  private ScheduledFuture<?> check;

  BackendConnection(Backend backend) {
    this.backend = backend;
  }

  Channel channel() {
    return channel;
  }

  boolean isActive() {
    return channel != null && channel.isActive();
  }

  /** Routes what the connection reads to {@code l} (null: nobody; the connection is idle or being given up). */
  void listen(Listener l) {
    listener = l;
    if (l == null) {
      deadline = 0;
    }
  }

  ChannelFuture send(Object request) {
    return channel.writeAndFlush(request);
  }

  /** Starts the clock for the response headers of the request just sent. */
  void expectAnswerWithin(long nanos) {
    deadline = System.nanoTime() + nanos;
    if (check == null) {
      schedule(nanos);
    }
  }

  /** The response headers arrived: the clock stops. */
  void answered() {
    deadline = 0;
  }

  void setAutoRead(boolean on) {
    channel.config().setAutoRead(on);
  }

  void close() {
    channel.close();
  }

  private void schedule(long nanos) {
    check = channel.eventLoop().schedule(this::check, nanos, TimeUnit.NANOSECONDS);
  }

  private void check() {
    check = null;
    if (deadline == 0 || listener == null) {
      return;
    }
    long left = deadline - System.nanoTime();
    if (left > 0) {
      schedule(left);
      return;
    }
    deadline = 0;
    listener.timedOut();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (listener == null) {
      ReferenceCountUtil.release(msg); // an idle connection said something: not reusable
      ctx.close();
    } else {
      listener.read(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (listener != null) {
      listener.readComplete();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (check != null) {
      check.cancel(false);
      check = null;
    }
    Listener l = listener;
    listener = null;
    deadline = 0;
    if (l != null) {
      l.closed();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
