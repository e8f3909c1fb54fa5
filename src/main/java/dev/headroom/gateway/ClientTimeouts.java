package dev.headroom.gateway;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ClientLimits} timeouts of one client connection. The clock runs only while the server waits for the
 * client: for a request (idle), for the rest of its headers, for more of its body; never while a request is being
 * answered (a slow backend or a stream endpoint is not the client's doing). One check is scheduled at a time and
 * re-reads the state when it fires (as Netty's IdleStateHandler does), so a request costs a few clock reads, not a
 * timer each. The check is never further away than the shortest limit, so a state entered later, with a shorter
 * limit, is still checked on time: it fires before that deadline and is rescheduled for exactly what is left.
 *
 * <p>Two handlers share the state: {@link #bytes()} at the head of the pipeline sees raw bytes arrive,
 * {@link #messages()} right after the HTTP codec sees requests decoded; {@link Dispatch} tells when an answer ends.
 */
final class ClientTimeouts {
  private static final Logger LOG = LoggerFactory.getLogger(ClientTimeouts.class);

  private enum State { IDLE, HEADERS, BODY, ANSWERING, CLOSED }

  private final long idleNanos;
  private final long headersNanos;
  private final long bodyNanos;
  private final long shortestNanos;
  private final ChannelHandler bytes = new Bytes();
  private final ChannelHandler messages = new Messages();
  private ChannelHandlerContext ctx;
  private State state = State.IDLE;
  private long since;
  private int answering; // requests received whole and not yet answered to their last byte
  private boolean partial; // bytes of a next request arrived while answering
  private ScheduledFuture<?> check;

  /** One per connection. */
  ClientTimeouts(ClientLimits limits) {
    this.idleNanos = limits.idle().toNanos();
    this.headersNanos = limits.headers().toNanos();
    this.bodyNanos = limits.body().toNanos();
    this.shortestNanos = Math.min(idleNanos, Math.min(headersNanos, bodyNanos));
  }

  /** Goes first in the pipeline, before the HTTP codec. */
  ChannelHandler bytes() {
    return bytes;
  }

  /** Goes right after the HTTP codec. */
  ChannelHandler messages() {
    return messages;
  }

  /**
   * The last byte of an answer to a whole request was written (told by {@link Dispatch}, which sees every answer end);
   * once all are, the server waits for the next request.
   */
  void answered() {
    if (state == State.ANSWERING && --answering <= 0) {
      answering = 0;
      enter(partial ? State.HEADERS : State.IDLE);
      partial = false;
    }
  }

  private void enter(State s) {
    state = s;
    since = System.nanoTime();
    if (check == null && s != State.ANSWERING && s != State.CLOSED && ctx != null) {
      schedule(limit(s));
    }
  }

  private long limit(State s) {
    return switch (s) {
      case IDLE -> idleNanos;
      case HEADERS -> headersNanos;
      case BODY -> bodyNanos;
      case ANSWERING, CLOSED -> Long.MAX_VALUE;
    };
  }

  private void schedule(long nanos) {
    check = ctx.executor().schedule(this::check, Math.min(nanos, shortestNanos), TimeUnit.NANOSECONDS);
  }

  private void check() {
    check = null;
    if (state == State.ANSWERING || state == State.CLOSED) {
      return; // re-armed when the answer ends
    }
    long left = since + limit(state) - System.nanoTime();
    if (left > 0) {
      schedule(left);
      return;
    }
    State timedOut = state;
    state = State.CLOSED;
    if (timedOut == State.IDLE) {
      LOG.debug("Closing a client connection idle for {} ms", TimeUnit.NANOSECONDS.toMillis(idleNanos));
      ctx.close();
    } else {
      String what = timedOut == State.HEADERS ? "headers" : "body";
      long ms = TimeUnit.NANOSECONDS.toMillis(timedOut == State.HEADERS ? headersNanos : bodyNanos);
      LOG.debug("Request {} not received in time ({} ms); answering 408", what, ms);
      byte[] body = HttpJson.errorBody(408, "The request " + what + " did not arrive in time ("
          + (timedOut == State.HEADERS ? "whole headers within " : "no byte for ") + ms + " ms)", Map.of());
      FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_TIMEOUT,
          Unpooled.wrappedBuffer(body));
      r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
      r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      HttpUtil.setContentLength(r, body.length);
      // From this handler's place (right after the codec): the handlers that wait for a request never see it.
      ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }
  }

  private void closed() {
    state = State.CLOSED;
    if (check != null) {
      check.cancel(false);
      check = null;
    }
  }

  /** Raw bytes in: the first byte of a request starts its header clock. */
  private final class Bytes extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext c, Object msg) {
      if (state == State.IDLE) {
        enter(State.HEADERS);
      } else if (state == State.ANSWERING) {
        partial = true;
      }
      c.fireChannelRead(msg);
    }
  }

  /** Requests decoded. */
  private final class Messages extends ChannelInboundHandlerAdapter {
    @Override
    public void handlerAdded(ChannelHandlerContext c) {
      ctx = c;
      if (c.channel().isActive()) {
        enter(state);
      }
    }

    @Override
    public void channelActive(ChannelHandlerContext c) {
      if (check == null && state == State.IDLE) {
        enter(State.IDLE);
      }
      c.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext c, Object msg) {
      if (state != State.CLOSED) {
        if (msg instanceof HttpRequest && state != State.ANSWERING) {
          enter(State.BODY);
        }
        if (msg instanceof LastHttpContent) {
          answering++;
          partial = false;
          state = State.ANSWERING;
        } else if (msg instanceof HttpContent && state == State.BODY) {
          since = System.nanoTime();
        }
      }
      c.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext c) {
      closed();
      c.fireChannelInactive();
    }
  }
}
