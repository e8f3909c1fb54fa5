package dev.headroom.gateway;

import com.sun.net.httpserver.HttpHandler;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatches whole requests one at a time per connection (a pipelined request waits for the previous answer's
 * last byte): mounts to their pools, the rest to the fallback on the event loop.
 */
final class Dispatch extends ChannelDuplexHandler {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatch.class);
  private final Map<String, Mount> mounts;
  private final LoopbackServer.Fallback fallback;
  private final ExecutorService endpoints;
  private final ExecutorService streams;
  private final Runnable answered;
  private final ArrayDeque<FullHttpRequest> waiting = new ArrayDeque<>();
  private boolean busy;

  /** One per connection; {@code answered} runs (on the event loop) each time an answer's last byte is written. */
  Dispatch(Map<String, Mount> mounts, LoopbackServer.Fallback fallback, ExecutorService endpoints,
      ExecutorService streams, Runnable answered) {
    this.mounts = mounts;
    this.fallback = fallback;
    this.endpoints = endpoints;
    this.streams = streams;
    this.answered = answered;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest req)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (busy) {
      waiting.add(req);
      return;
    }
    serve(ctx, req);
  }

  private void serve(ChannelHandlerContext ctx, FullHttpRequest req) {
    busy = true;
    String path = LoopbackServer.path(req.uri());
    Mount mount = mounts.get(path);
    if (mount == null) {
      try {
        if (req.content().readableBytes() > fallback.maxBody()) {
          LoopbackServer.respond(ctx, 413, fallback.tooLarge(path), Map.of());
        } else {
          fallback.handle(ctx, req);
        }
      } catch (RuntimeException e) {
        LOG.warn("Request {} failed: {}", LoopbackGuard.printable(path), e.toString());
        LoopbackServer.respond(ctx, 500, "Internal error: " + e.getClass().getSimpleName(), Map.of());
      } finally {
        req.release();
      }
      return;
    }
    NettyExchange ex;
    try {
      ex = new NettyExchange(ctx.channel(), req);
    } finally {
      req.release();
    }
    if (mount.streamSlots().isEmpty()) {
      run(ctx, endpoints, mount.handler(), ex, null);
    } else if (mount.streamSlots().get().tryAcquire()) {
      run(ctx, streams, mount.handler(), ex, mount.streamSlots().get());
    } else {
      LoopbackServer.respond(ctx, 503, "Too many stream clients (at most " + LoopbackServer.STREAM_CLIENTS + "); try again later", Map.of());
    }
  }

  private void run(ChannelHandlerContext ctx, ExecutorService pool, HttpHandler handler, NettyExchange ex,
      Semaphore slot) {
    try {
      pool.execute(() -> {
        try {
          handler.handle(ex);
        } catch (Exception e) {
          LOG.debug("Endpoint {} ended: {}", ex.getRequestURI().getRawPath(), e.toString());
        } finally {
          ex.close();
          if (slot != null) {
            slot.release();
          }
        }
      });
    } catch (RejectedExecutionException e) {
      if (slot != null) {
        slot.release();
      }
      LoopbackServer.respond(ctx, 503, "The server is busy or stopping; try again", Map.of());
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof LastHttpContent) {
      promise = promise.unvoid();
      promise.addListener(f -> next(ctx)); // listeners run on this channel's event loop
    }
    ctx.write(msg, promise);
  }

  private void next(ChannelHandlerContext ctx) {
    busy = false;
    answered.run();
    FullHttpRequest req = waiting.poll();
    if (req != null) {
      if (ctx.channel().isActive()) {
        serve(ctx, req);
      } else {
        req.release();
      }
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    Runnable r = ctx.channel().attr(LoopbackServer.ON_WRITABLE).get();
    if (r != null && ctx.channel().isWritable()) {
      r.run();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    waiting.forEach(FullHttpRequest::release);
    waiting.clear();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("Connection error: {}", cause.toString());
    ctx.close();
  }
}
