package dev.headroom.core;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** CSV files as RFC 4180 has them: a header row, comma-separated cells quoted when needed, CRLF line ends. */
public final class Csv {
  private Csv() {}

  /** Writes {@code header} and {@code rows} to {@code file}. */
  public static Path write(Path file, List<String> header, List<List<String>> rows) {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      line(w, header);
      for (List<String> r : rows) {
        line(w, r);
      }
    } catch (IOException e) {
      throw new AppException("Cannot write " + file + ": " + e.getMessage(), e);
    }
    return file;
  }

  private static void line(Writer w, List<String> cells) throws IOException {
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        w.write(',');
      }
      w.write(quote(cells.get(i)));
    }
    w.write("\r\n");
  }

  /** A cell, quoted (inner quotes doubled) when it holds a comma, a quote or a line break. */
  public static String quote(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
      return s;
    }
    return '"' + s.replace("\"", "\"\"") + '"';
  }
}
