package dev.headroom.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headroom.config.Settings;
import dev.headroom.memory.MemorySample;
import dev.headroom.memory.MemoryState;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** {@code status [--json]}: current memory and pressure. */
public final class StatusCommand {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private StatusCommand() {}

  static int run(List<String> args, CliServices services, PrintStream out, PrintStream err) {
    boolean json = args.equals(List.of("--json"));
    if (!json && !args.isEmpty()) {
      err.println("headroom: usage: status [--json]");
      return Cli.USAGE;
    }
    print(services.memory(), services.settings(), json, out);
    return 0;
  }

  /** Prints one reading as text or JSON. */
  public static void print(MemoryState state, Settings settings, boolean json, PrintStream out) {
    MemorySample s = state.sample();
    if (json) {
      out.println(json(state, settings));
    } else {
      out.printf(Locale.ROOT, "Memory: %.1f %% used (%d of %d MiB, %d MiB available), swap %d of %d MiB, pressure %s%n",
          s.usedPercent(), s.usedBytes() >> 20, s.totalBytes() >> 20, s.availableBytes() >> 20,
          s.swapUsedBytes() >> 20, s.swapTotalBytes() >> 20, state.pressure());
    }
  }

  static String json(MemoryState state, Settings settings) {
    MemorySample s = state.sample();
    ObjectNode o = JSON.createObjectNode();
    o.put("time", s.time().toString());
    o.put("totalBytes", s.totalBytes());
    o.put("usedBytes", s.usedBytes());
    o.put("availableBytes", s.availableBytes());
    o.put("usedPercent", Math.round(s.usedPercent() * 100) / 100.0);
    o.put("swapTotalBytes", s.swapTotalBytes());
    o.put("swapUsedBytes", s.swapUsedBytes());
    o.put("pressure", state.pressure().name());
    o.put("thresholdPercent", settings.memory().thresholdPercent());
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A JSON tree always serializes", e);
    }
  }
}
