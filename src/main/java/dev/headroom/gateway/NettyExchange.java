package dev.headroom.gateway;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A {@link HttpExchange} over one fully received Netty request, so Headroom's endpoints keep the JDK's handler API
 * ({@code HttpHandler}) while the server reads requests without blocking a thread. Runs on an endpoint thread;
 * response bytes go to the channel as they are flushed, and a writer waits (bounded) while the client is not
 * reading instead of buffering without limit.
 */
final class NettyExchange extends HttpExchange {
  private static final int BUFFER = 16 * 1024;
  private static final long WRITE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final Channel channel;
  private final String method;
  private final URI uri;
  private final Headers requestHeaders = new Headers();
  private final Headers responseHeaders = new Headers();
  private final Map<String, Object> attributes = new ConcurrentHashMap<>();
  private InputStream in;
  private OutputStream out;
  private int status = -1;
  private boolean closed;

  NettyExchange(Channel channel, FullHttpRequest req) {
    this.channel = channel;
    this.method = req.method().name();
    this.uri = parseUri(req.uri());
    req.headers().forEach(e -> requestHeaders.add(e.getKey(), e.getValue()));
    this.in = new ByteArrayInputStream(ByteBufUtil.getBytes(req.content()));
  }

  private static URI parseUri(String raw) {
    try {
      return URI.create(raw);
    } catch (IllegalArgumentException e) {
      return URI.create("/");
    }
  }

  @Override
  public Headers getRequestHeaders() {
    return requestHeaders;
  }

  @Override
  public Headers getResponseHeaders() {
    return responseHeaders;
  }

  @Override
  public URI getRequestURI() {
    return uri;
  }

  @Override
  public String getRequestMethod() {
    return method;
  }

  @Override
  public HttpContext getHttpContext() {
    return null;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    try {
      if (status < 0) {
        byte[] b = HttpJson.errorBody(500, "The endpoint sent no answer", Map.of());
        responseHeaders.set("Content-Type", "application/json");
        sendResponseHeaders(500, b.length);
        out.write(b);
      }
      out.close();
    } catch (IOException e) {
      channel.close();
    } finally {
      closed = true;
    }
  }

  @Override
  public InputStream getRequestBody() {
    return in;
  }

  @Override
  public OutputStream getResponseBody() {
    if (out == null) {
      throw new IllegalStateException("sendResponseHeaders first");
    }
    return out;
  }

  @Override
  public synchronized void sendResponseHeaders(int code, long length) throws IOException {
    if (status >= 0) {
      throw new IOException("Response headers already sent");
    }
    status = code;
    DefaultHttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code));
    responseHeaders.forEach((k, vs) -> vs.forEach(v -> r.headers().add(k, v)));
    boolean head = method.equals(HttpMethod.HEAD.name());
    boolean noBody = length < 0 || code == 204 || code == 304 || head;
    if (noBody) {
      if (code != 204 && code != 304 && !head) {
        HttpUtil.setContentLength(r, 0);
      }
    } else if (length == 0) {
      HttpUtil.setTransferEncodingChunked(r, true);
    } else {
      HttpUtil.setContentLength(r, length);
    }
    awaitWritable();
    channel.writeAndFlush(r);
    out = new Body(noBody);
  }

  @Override
  public InetSocketAddress getRemoteAddress() {
    return (InetSocketAddress) channel.remoteAddress();
  }

  @Override
  public int getResponseCode() {
    return status;
  }

  @Override
  public InetSocketAddress getLocalAddress() {
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public String getProtocol() {
    return "HTTP/1.1";
  }

  @Override
  public Object getAttribute(String name) {
    return attributes.get(name);
  }

  @Override
  public void setAttribute(String name, Object value) {
    if (value == null) {
      attributes.remove(name);
    } else {
      attributes.put(name, value);
    }
  }

  @Override
  public void setStreams(InputStream i, OutputStream o) {
    if (i != null) {
      in = i;
    }
    if (o != null) {
      out = o;
    }
  }

  @Override
  public HttpPrincipal getPrincipal() {
    return null;
  }

  private void awaitWritable() throws IOException {
    long deadline = System.nanoTime() + WRITE_WAIT_NANOS;
    while (true) {
      if (!channel.isActive()) {
        throw new IOException("The client closed the connection");
      }
      if (channel.isWritable()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        channel.close();
        throw new IOException("The client stopped reading");
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("Interrupted while the client was not reading", e);
      }
    }
  }

  /** The response body: buffered, sent as HTTP content on flush, ended with the last content on close. */
  private final class Body extends OutputStream {
    private final boolean discard;
    private ByteBuf buf = Unpooled.buffer(256);
    private boolean ended;

    Body(boolean discard) {
      this.discard = discard;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
      if (ended) {
        throw new IOException("The response body is closed");
      }
      if (discard) {
        return;
      }
      buf.writeBytes(b, off, len);
      if (buf.readableBytes() >= BUFFER) {
        send(false);
      }
    }

    @Override
    public synchronized void flush() throws IOException {
      if (!ended && buf.isReadable()) {
        send(true);
      }
    }

    private void send(boolean flush) throws IOException {
      awaitWritable();
      ByteBuf chunk = buf;
      buf = Unpooled.buffer(256);
      if (flush) {
        channel.writeAndFlush(new DefaultHttpContent(chunk));
      } else {
        channel.write(new DefaultHttpContent(chunk));
      }
    }

    @Override
    public synchronized void close() throws IOException {
      if (ended) {
        return;
      }
      ended = true;
      if (!channel.isActive()) {
        buf.release();
        throw new IOException("The client closed the connection");
      }
      if (buf.isReadable()) {
        channel.write(new DefaultHttpContent(buf));
      } else {
        buf.release();
      }
      channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    }
  }
}
