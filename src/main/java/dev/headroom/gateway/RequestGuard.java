package dev.headroom.gateway;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks each request's headers as soon as they arrive, before any body is read: a refused request is answered
 * and the connection closed; its body is discarded unread. A request without a body (most GETs) is passed on whole
 * here, so that the aggregator after this handler does not build an empty composite body for it.
 */
final class RequestGuard extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(RequestGuard.class);
  private final Predicate<String> isMount;
  private final LoopbackGuard.Hosts hosts;
  private final LoopbackServer.Fallback fallback;
  private boolean discarding;
  private HttpRequest bodiless; // its (empty) last content is still to come

  /** One per connection: {@code isMount} tells Headroom's own endpoints (exact paths) from proxied routes. */
  RequestGuard(Predicate<String> isMount, LoopbackGuard.Hosts hosts, LoopbackServer.Fallback fallback) {
    this.isMount = isMount;
    this.hosts = hosts;
    this.fallback = fallback;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (bodiless != null) {
      HttpRequest req = bodiless;
      bodiless = null;
      if (msg instanceof LastHttpContent last && !last.content().isReadable() && last.trailingHeaders().isEmpty()) {
        last.release();
        ctx.fireChannelRead(new DefaultFullHttpRequest(req.protocolVersion(), req.method(), req.uri(),
            Unpooled.EMPTY_BUFFER, req.headers(), EmptyHttpHeaders.INSTANCE));
        return;
      }
      ctx.fireChannelRead(req); // not what its headers said: the aggregator takes it as it comes
    }
    if (msg instanceof HttpRequest req) {
      discarding = false;
      Optional<LoopbackGuard.Rejection> bad = check(req);
      if (bad.isPresent()) {
        discarding = true;
        LOG.debug("Refused {} {}: {}", req.method(), LoopbackGuard.printable(req.uri()), bad.get().message());
        refuse(ctx, bad.get().status(), bad.get().message());
        ReferenceCountUtil.release(msg);
        return;
      }
      if (!(msg instanceof HttpContent) && HttpUtil.getContentLength(req, 0L) == 0
          && !HttpUtil.isTransferEncodingChunked(req) && !HttpUtil.is100ContinueExpected(req)) {
        bodiless = req;
        return;
      }
    } else if (discarding && msg instanceof HttpContent) {
      ReferenceCountUtil.release(msg);
      return;
    }
    ctx.fireChannelRead(msg);
  }

  private Optional<LoopbackGuard.Rejection> check(HttpRequest req) {
    if (req.decoderResult().isFailure()) {
      return Optional.of(new LoopbackGuard.Rejection(400, "Malformed request"));
    }
    Optional<LoopbackGuard.Rejection> bad = hosts.check(req.headers().get(HttpHeaderNames.HOST));
    if (bad.isPresent()) {
      return bad;
    }
    String path = LoopbackServer.path(req.uri());
    long declared = HttpUtil.getContentLength(req, -1L);
    if (isMount.test(path)) {
      bad = LoopbackGuard.ownEndpoint(req.method().name(), req.headers().get(HttpHeaderNames.ORIGIN),
          req.headers().get(HttpHeaderNames.CONTENT_TYPE));
      if (bad.isEmpty() && declared > LoopbackServer.MAX_ENDPOINT_BODY) {
        bad = Optional.of(new LoopbackGuard.Rejection(413, "Request body larger than " + LoopbackServer.MAX_ENDPOINT_BODY
            + " bytes"));
      }
      return bad;
    }
    if (declared > fallback.maxBody()) {
      return Optional.of(new LoopbackGuard.Rejection(413, fallback.tooLarge(path)));
    }
    return Optional.empty();
  }

  private void refuse(ChannelHandlerContext ctx, int status, String message) {
    byte[] body = HttpJson.errorBody(status, message, Map.of());
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
        Unpooled.wrappedBuffer(body));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
    r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    HttpUtil.setContentLength(r, body.length);
    ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
  }
}
