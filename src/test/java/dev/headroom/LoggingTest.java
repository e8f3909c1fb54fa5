package dev.headroom;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoggingTest {
  @TempDir Path dir;

  @Test
  void everyLogLineHasItsControlCharactersEscaped() {
    LogRecord r = new LogRecord(Level.WARNING, "Model 'x\r\nINFO forged line\u001b[2J' is not priced");
    r.setLoggerName("dev.headroom.cost.CostEngine");
    r.setThrown(new IllegalStateException("bad\nthing", new RuntimeException("cause\r\nforged")));
    String line = new Logging.SafeFormatter().format(r);
    String firstLine = line.substring(0, line.indexOf('\n'));
    assertThat(firstLine).contains("WARNING dev.headroom.cost.CostEngine - Model 'x\\r\\nINFO forged line\\u001b[2J'");
    assertThat(line).contains("java.lang.IllegalStateException: bad\\nthing")
        .contains("caused by: java.lang.RuntimeException: cause\\r\\nforged").doesNotContain("\u001b", "\r");
    // Every physical line is either a record, an exception line or a stack frame: none was forged.
    assertThat(line.lines()).allMatch(l -> l.startsWith("20") || l.startsWith("  ") || l.startsWith("\t"));
  }

  @Test
  void theLogFileIsWrittenInTheDataDirAndRotates() throws Exception {
    Logging.closeFile(); // another test of this JVM may have opened one already
    Logging.toFile(dir);
    try {
      Logger log = Logger.getLogger("dev.headroom.LoggingTest");
      log.setLevel(Level.INFO);
      log.info("written to the file\nnot a new line");
    } finally {
      Logging.closeFile();
    }
    Path file = dir.resolve("logs/headroom.0.log");
    assertThat(file).exists();
    assertThat(Files.readString(file)).contains("written to the file\\nnot a new line");
    assertThat(Logging.FILE_LIMIT).isPositive();
    assertThat(Logging.FILE_COUNT).isGreaterThan(1);
  }
}
