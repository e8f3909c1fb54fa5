package dev.headroom.spot;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headroom.core.AppException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@code vm} command-line verbs over {@link SpotVmService}, printing text (or JSON for {@code list --json}) and
 * returning the process exit code: 0 done, 1 the action failed (reason on {@code err}), 3 Google Cloud not connected
 * (how to connect on {@code err}), 64 usage error.
 *
 * <pre>{@code
 * int code = new SpotCommands(app.spot, clock, Duration.ofMinutes(15)).run(List.of("terminate", "--all"), out, err);
 * }</pre>
 */
public final class SpotCommands {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int NOT_CONNECTED = 3;
  public static final int USAGE = 64;
  static final String USAGE_TEXT = "usage: vm create | vm list [--json] | vm terminate NAME|--all";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final SpotVmService spot;
  private final Clock clock;
  private final Duration timeout;

  /** @param timeout how long create and terminate wait for Compute Engine */
  public SpotCommands(SpotVmService spot, Clock clock, Duration timeout) {
    this.spot = spot;
    this.clock = clock;
    this.timeout = timeout;
  }

  /** Dispatches {@code create}, {@code list [--json]} or {@code terminate NAME|--all} (the words after "vm"). */
  public int run(List<String> args, PrintStream out, PrintStream err) {
    String verb = args.isEmpty() ? "list" : args.get(0);
    switch (verb) {
      case "list":
        if (args.size() > 2 || (args.size() == 2 && !args.get(1).equals("--json"))) {
          return usage(err);
        }
        return list(args.size() == 2, out, err);
      case "create":
        return args.size() == 1 ? create(out, err) : usage(err);
      case "terminate":
        return args.size() == 2 ? terminate(args.get(1), out, err) : usage(err);
      default:
        err.println("headroom: unknown vm command '" + verb + "'. " + USAGE_TEXT);
        return USAGE;
    }
  }

  /** Creates one VM of the configured shape and waits for the outcome. */
  public int create(PrintStream out, PrintStream err) {
    Integer offline = notConnected(err);
    if (offline != null) {
      return offline;
    }
    out.println("Creating a Spot VM (this takes up to a minute)…");
    try {
      SpotVm vm = await(spot.create("command line"));
      if (vm.state() == VmState.FAILED) {
        err.println("headroom: " + vm.name() + " FAILED: " + vm.lastMessage());
        return FAILED;
      }
      out.println(vm.name() + " " + vm.state() + " in " + vm.zone()
          + (vm.externalIp().isEmpty() ? "" : " at " + vm.externalIp()));
      return OK;
    } catch (AppException e) {
      err.println("headroom: " + e.userMessage());
      return e.userMessage().equals(spot.notConnectedReason().orElse(null)) ? NOT_CONNECTED : FAILED;
    }
  }

  /**
   * Prints every VM Headroom knows, after polling Compute Engine for the live ones when connected (a read: it
   * adopts or deletes nothing). Without a connection it prints what the store has and says so on {@code err}.
   */
  public int list(boolean json, PrintStream out, PrintStream err) {
    spot.refresh();
    spot.notConnectedReason().ifPresent(r -> err.println("headroom: showing stored state only. " + r));
    List<SpotVm> vms = spot.vms();
    Instant now = clock.instant();
    if (json) {
      out.println(json(vms, now));
      return OK;
    }
    if (vms.isEmpty()) {
      out.println("No managed VMs.");
      return OK;
    }
    String row = "%-34s %-16s %-14s %-12s %-15s %-9s %s%n";
    out.printf(Locale.ROOT, row, "NAME", "ZONE", "TYPE", "STATE", "EXTERNAL IP", "UPTIME", "TIME LEFT");
    for (SpotVm vm : vms) {
      out.printf(Locale.ROOT, row, vm.name(), vm.zone(), vm.machineType(), vm.state(),
          vm.externalIp().isEmpty() ? "-" : vm.externalIp(), hms(vm.uptime(now)),
          vm.state().ended() ? "-" : hms(vm.timeLeft(now)));
    }
    return OK;
  }

  /** Deletes the named VM, or every active one for {@code --all}, and waits. */
  public int terminate(String nameOrAll, PrintStream out, PrintStream err) {
    Integer offline = notConnected(err);
    if (offline != null) {
      return offline;
    }
    try {
      if (nameOrAll.equals("--all")) {
        long active = spot.vms().stream().filter(v -> v.state().active()).count();
        await(spot.terminateAll("command line"));
        out.println(active == 0 ? "No active VMs." : "Terminated " + active + " VM" + (active == 1 ? "" : "s") + ".");
        return OK;
      }
      if (spot.vm(nameOrAll).isEmpty()) {
        spot.reconcile(); // a VM from another session becomes known (adopted) only through reconciliation
      }
      SpotVm vm = await(spot.terminate(nameOrAll, "command line"));
      out.println(vm.name() + " " + vm.state());
      return vm.state().ended() ? OK : FAILED;
    } catch (AppException e) {
      err.println("headroom: " + e.userMessage());
      return FAILED;
    }
  }

  private Integer notConnected(PrintStream err) {
    if (spot.notConnectedReason().isPresent()) {
      err.println("headroom: " + spot.notConnectedReason().get());
      return NOT_CONNECTED;
    }
    return null;
  }

  private static int usage(PrintStream err) {
    err.println("headroom: " + USAGE_TEXT);
    return USAGE;
  }

  private <T> T await(CompletableFuture<T> f) {
    try {
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof AppException a ? a
          : new AppException("Compute Engine call failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AppException("Timed out after " + timeout.toMinutes() + " min waiting for Compute Engine", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AppException("Interrupted while waiting for Compute Engine", e);
    }
  }

  static String json(List<SpotVm> vms, Instant now) {
    ArrayNode arr = JSON.createArrayNode();
    for (SpotVm vm : vms) {
      ObjectNode o = arr.addObject();
      o.put("name", vm.name());
      o.put("zone", vm.zone());
      o.put("machineType", vm.machineType());
      o.put("state", vm.state().name());
      o.put("externalIp", vm.externalIp());
      o.put("requestedAt", vm.requestedAt().toString());
      o.put("runningSince", vm.runningSince().map(Instant::toString).orElse(null));
      o.put("endedAt", vm.endedAt().map(Instant::toString).orElse(null));
      o.put("uptimeSeconds", vm.uptime(now).toSeconds());
      o.put("timeLeftSeconds", vm.timeLeft(now).toSeconds());
      o.put("maxRunDurationSeconds", vm.maxRunDuration().toSeconds());
      o.put("sessionId", vm.sessionId());
      o.put("lastMessage", vm.lastMessage());
    }
    try {
      return JSON.writeValueAsString(arr);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A JSON tree always serializes", e);
    }
  }

  private static String hms(Duration d) {
    long s = d.toSeconds();
    return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s % 3600) / 60, s % 60);
  }
}
