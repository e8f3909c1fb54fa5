package dev.headroom.cli;

import dev.headroom.core.AppException;
import dev.headroom.spot.SpotCommands;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The command-line verbs ({@code status}, {@code cost}, {@code vm ...}, {@code price ...}): parse the words after the program name, run
 * them against {@link CliServices}, print, and return the exit code. The same object runs in the CLI process (no
 * instance running) and inside the running app (a verb forwarded over the control API), so output and exit codes
 * are identical both ways. JSON goes to {@code out} alone; notices go to {@code err}.
 *
 * <pre>{@code
 * int code = Cli.run(List.of("vm", "list", "--json"), services, System.out, System.err);
 * }</pre>
 */
public final class Cli {
  /** Exit code of a problem the user can fix (bad config, store in use): the message says how. */
  public static final int PROBLEM = 2;
  /** Exit code of a usage error (sysexits EX_USAGE). */
  public static final int USAGE = 64;
  /** The verbs this class runs (and the control API forwards). */
  public static final Set<String> VERBS = Set.of("status", "cost", "vm", "price");

  private Cli() {}

  /** True when {@code verb} is one of {@link #VERBS}. */
  public static boolean isVerb(String verb) {
    return VERBS.contains(verb);
  }

  /** Runs one verb with its arguments ({@code args.get(0)} is the verb). */
  public static int run(List<String> args, CliServices services, PrintStream out, PrintStream err) {
    if (args.isEmpty() || !isVerb(args.get(0))) {
      err.println("headroom: unknown command '" + (args.isEmpty() ? "" : args.get(0)) + "'");
      return USAGE;
    }
    List<String> rest = args.subList(1, args.size());
    try {
      return switch (args.get(0)) {
        case "status" -> StatusCommand.run(rest, services, out, err);
        case "cost" -> CostCommand.run(rest, services, out, err);
        case "price" -> services.prices().run(rest, out, err);
        default -> new SpotCommands(services.spot(), services.clock(), Duration.ofMinutes(15)).run(rest, out, err);
      };
    } catch (AppException e) {
      err.println("headroom: " + e.userMessage());
      return PROBLEM;
    }
  }
}
