package dev.headroom.core;

/**
 * Makes untrusted text safe to log: CR, LF, ESC (ANSI sequences), other C0/C1 control characters, DEL and the
 * Unicode line/paragraph separators become visible escapes ({@code \n}, {@code \r}, {@code \t}, {@code \u001b}), so
 * a model name or a header cannot forge a log line or recolour a terminal. Long values are cut.
 *
 * <pre>{@code
 * LOG.warn("Model '{}' is not priced", LogSafe.clean(usage.model()));
 * }</pre>
 */
public final class LogSafe {
  /** Values longer than this are cut (with a marker) so one request cannot flood the log. */
  public static final int MAX_LENGTH = 512;

  private LogSafe() {}

  /** {@code text} with control characters escaped and cut to {@link #MAX_LENGTH}; "null" for null. */
  public static String clean(Object text) {
    return escape(String.valueOf(text), MAX_LENGTH);
  }

  /** Escapes control characters in a whole log message (no cut). */
  public static String escapeAll(String text) {
    return escape(text, Integer.MAX_VALUE);
  }

  private static String escape(String s, int max) {
    int n = Math.min(s.length(), max);
    StringBuilder out = null;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (isControl(c)) {
        if (out == null) {
          out = new StringBuilder(n + 16).append(s, 0, i);
        }
        switch (c) {
          case '\n' -> out.append("\\n");
          case '\r' -> out.append("\\r");
          case '\t' -> out.append("\\t");
          default -> out.append(String.format("\\u%04x", (int) c));
        }
      } else if (out != null) {
        out.append(c);
      }
    }
    String result = out == null ? s.substring(0, n) : out.toString();
    return s.length() > max ? result + "...(" + s.length() + " chars)" : result;
  }

  /** True for C0/C1 controls, DEL, U+2028/U+2029 and bidi overrides (which can reorder what a reader sees). */
  public static boolean isControl(char c) {
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029'
        || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');
  }

  /** True when {@code s} holds any character {@link #isControl} rejects. */
  public static boolean hasControl(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (isControl(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }
}
