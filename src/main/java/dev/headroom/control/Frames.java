package dev.headroom.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The control API's response body for a forwarded verb: one line per output line, tagged with where it goes, so
 * the client can replay stdout and stderr separately as they arrive, then the exit code.
 *
 * <pre>
 * o:{"usedPercent" : 41.2,        a line for stdout
 * e:headroom: showing stored ...  a line for stderr
 * O:partial                       the last piece of stdout, without a newline (E: for stderr)
 * x:0                             the exit code, always last
 * </pre>
 */
final class Frames {
  static final char OUT = 'o';
  static final char ERR = 'e';
  static final char EXIT = 'x';

  private final OutputStream sink;

  Frames(OutputStream sink) {
    this.sink = sink;
  }

  /** A print stream whose lines become frames tagged {@code tag} ({@link #OUT} or {@link #ERR}). */
  PrintStream stream(char tag) {
    return new PrintStream(new LineFramer(tag), true, StandardCharsets.UTF_8);
  }

  void exit(int code) {
    frame(EXIT, String.valueOf(code), true);
  }

  private synchronized void frame(char tag, String text, boolean newline) {
    try {
      sink.write(((newline ? tag : Character.toUpperCase(tag)) + ":" + text + "\n").getBytes(StandardCharsets.UTF_8));
      sink.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Buffers bytes until a newline, then writes the line as one frame. */
  private final class LineFramer extends OutputStream {
    private final char tag;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    LineFramer(char tag) {
      this.tag = tag;
    }

    @Override
    public synchronized void write(int b) {
      if (b == '\n') {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        frame(tag, text.endsWith("\r") ? text.substring(0, text.length() - 1) : text, true);
      } else {
        line.write(b);
      }
    }

    @Override
    public synchronized void close() {
      if (line.size() > 0) {
        frame(tag, line.toString(StandardCharsets.UTF_8), false);
        line.reset();
      }
    }
  }
}
