package dev.headroom.gateway;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Reads token usage from a copy of a response as it streams past: a JSON body is kept (up to 8 MiB) and parsed at
 * the end; server-sent events are parsed line by line, so a long stream costs one line of memory.
 */
final class UsageMeter {
  private static final int MAX_JSON = 8 * 1024 * 1024;
  private final boolean anthropic;
  private final boolean sse;
  private final String requestModel;
  private final ByteArrayOutputStream whole = new ByteArrayOutputStream();
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private UsageParsers.Tokens acc;

  UsageMeter(boolean anthropic, boolean sse, String requestModel) {
    this.anthropic = anthropic;
    this.sse = sse;
    this.requestModel = requestModel;
  }

  void accept(byte[] buf, int off, int n) {
    if (!sse) {
      if (whole.size() + n <= MAX_JSON) {
        whole.write(buf, off, n);
      }
      return;
    }
    for (int i = off; i < off + n; i++) {
      byte b = buf[i];
      if (b == '\n') {
        String l = line.toString(StandardCharsets.UTF_8).strip();
        line.reset();
        if (l.startsWith("data:")) {
          acc = UsageParsers.sseData(anthropic, l.substring(5).strip(), acc);
        }
      } else if (line.size() < MAX_JSON) {
        line.write(b);
      }
    }
  }

  Optional<UsageParsers.Tokens> result() {
    Optional<UsageParsers.Tokens> t;
    if (sse) {
      t = Optional.ofNullable(acc).filter(x -> x.input() + x.output() + x.reasoning() > 0);
    } else {
      String body = whole.toString(StandardCharsets.UTF_8);
      t = anthropic ? UsageParsers.anthropicJson(body) : UsageParsers.openAiJson(body);
    }
    return t.map(x -> x.model().isEmpty() ? x.withModel(requestModel.isEmpty() ? "unknown" : requestModel) : x);
  }
}
