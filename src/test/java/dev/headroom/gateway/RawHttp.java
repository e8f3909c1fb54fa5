package dev.headroom.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** HTTP/1.1 over a plain socket, so a test can send exactly the headers a browser or an attacker would. */
final class RawHttp {
  /** Status line code and the whole response text. */
  record Reply(int status, String text) {
    String body() {
      int i = text.indexOf("\r\n\r\n");
      return i < 0 ? "" : text.substring(i + 4);
    }
  }

  private RawHttp() {}

  /** Sends {@code head} (request line and headers, CRLF separated, without the blank line) and {@code body}. */
  static Reply send(int port, String head, String body) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(10_000);
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      String req = head + "\r\nContent-Length: " + b.length + "\r\nConnection: close\r\n\r\n";
      s.getOutputStream().write(req.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().write(b);
      s.getOutputStream().flush();
      return read(s.getInputStream());
    }
  }

  /** Reads the status line and headers, then the body as far as Content-Length says (or to the end). */
  static Reply read(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      buf.write(c);
      String sofar = buf.toString(StandardCharsets.ISO_8859_1);
      if (sofar.endsWith("\r\n\r\n")) {
        int length = contentLength(sofar);
        if (length >= 0) {
          buf.write(in.readNBytes(length));
        } else if (!sofar.toLowerCase().contains("transfer-encoding: chunked")) {
          buf.write(in.readAllBytes());
        }
        break;
      }
    }
    String text = buf.toString(StandardCharsets.UTF_8);
    if (text.length() < 12) {
      throw new IOException("No HTTP response: '" + text + "'");
    }
    return new Reply(Integer.parseInt(text.substring(9, 12)), text);
  }

  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        return Integer.parseInt(line.substring(15).trim());
      }
    }
    return -1;
  }
}
