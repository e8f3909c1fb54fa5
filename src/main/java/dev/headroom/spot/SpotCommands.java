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
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@code vm} command-line verbs over {@link SpotVmService}: text (or JSON) on {@code out}, reasons on
 * {@code err}, and the process exit code. The verbs never reconcile: only {@code create} and {@code terminate}
 * change anything, and only the VM they name; {@code list} and {@code show} are reads.
 *
 * <p>Exit codes: {@link #OK} 0 done; {@link #FAILED} 1 the action failed (reason on err); {@link #NOT_CONNECTED} 3
 * Google Cloud not connected (how to connect on err); {@link #TIMED_OUT} 4 the VM did not reach its state in time
 * (it stays tracked); {@link #UNREACHABLE} 5 Compute Engine did not answer (stored state shown as last known);
 * {@link #NO_SUCH_VM} 6 no managed VM has that name (nothing was touched); {@link #USAGE} 64 usage error.
 *
 * <pre>{@code
 * int code = new SpotCommands(app.spot, clock, Duration.ofMinutes(15)).run(List.of("terminate", "--all"), out, err);
 * }</pre>
 */
public final class SpotCommands {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int NOT_CONNECTED = 3;
  public static final int TIMED_OUT = 4;
  public static final int UNREACHABLE = 5;
  public static final int NO_SUCH_VM = 6;
  public static final int USAGE = 64;
  /** How long {@code vm create} waits for RUNNING unless {@code --timeout} says otherwise. */
  public static final Duration CREATE_TIMEOUT = Duration.ofMinutes(5);
  static final String USAGE_TEXT = "usage: vm create [--timeout 5m] | vm list [--json] | vm show NAME [--json]"
      + " | vm terminate NAME|--all";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  private final SpotVmService spot;
  private final Clock clock;
  private final Duration timeout;
  private final Duration pollEvery;

  /** @param timeout how long terminate waits for Compute Engine */
  public SpotCommands(SpotVmService spot, Clock clock, Duration timeout) {
    this(spot, clock, timeout, Duration.ofSeconds(5));
  }

  /** @param pollEvery how often {@code create} polls a created VM until it runs */
  SpotCommands(SpotVmService spot, Clock clock, Duration timeout, Duration pollEvery) {
    this.spot = spot;
    this.clock = clock;
    this.timeout = timeout;
    this.pollEvery = pollEvery;
  }

  /** Dispatches the words after "vm". */
  public int run(List<String> args, PrintStream out, PrintStream err) {
    String verb = args.isEmpty() ? "list" : args.get(0);
    List<String> rest = args.isEmpty() ? List.of() : args.subList(1, args.size());
    switch (verb) {
      case "list":
        return rest.isEmpty() || rest.equals(List.of("--json")) ? list(!rest.isEmpty(), out, err) : usage(err);
      case "show":
        if (rest.isEmpty() || rest.size() > 2 || (rest.size() == 2 && !rest.get(1).equals("--json"))
            || rest.get(0).startsWith("--")) {
          return usage(err);
        }
        return show(rest.get(0), rest.size() == 2, out, err);
      case "create":
        Optional<Duration> t = createTimeout(rest);
        return t.isPresent() ? create(t.get(), out, err) : usage(err);
      case "terminate":
        return rest.size() == 1 ? terminate(rest.get(0), out, err) : usage(err);
      default:
        err.println("headroom: unknown vm command '" + verb + "'. " + USAGE_TEXT);
        return USAGE;
    }
  }

  /** {@code []}, {@code [--timeout, 90s]} or {@code [--timeout=10m]}; empty when malformed. */
  static Optional<Duration> createTimeout(List<String> rest) {
    if (rest.isEmpty()) {
      return Optional.of(CREATE_TIMEOUT);
    }
    String value;
    if (rest.size() == 2 && rest.get(0).equals("--timeout")) {
      value = rest.get(1);
    } else if (rest.size() == 1 && rest.get(0).startsWith("--timeout=")) {
      value = rest.get(0).substring("--timeout=".length());
    } else {
      return Optional.empty();
    }
    return duration(value).filter(d -> !d.isNegative() && !d.isZero() && d.compareTo(Duration.ofHours(24)) <= 0);
  }

  /** "90s", "5m", "1h", "300" (seconds) or ISO-8601 "PT5M". */
  static Optional<Duration> duration(String s) {
    try {
      if (s.matches("\\d{1,6}")) {
        return Optional.of(Duration.ofSeconds(Long.parseLong(s)));
      }
      if (s.matches("\\d{1,6}[smh]")) {
        long n = Long.parseLong(s.substring(0, s.length() - 1));
        char unit = s.charAt(s.length() - 1);
        return Optional.of(unit == 's' ? Duration.ofSeconds(n) : unit == 'm' ? Duration.ofMinutes(n)
            : Duration.ofHours(n));
      }
      return Optional.of(Duration.parse(s.toUpperCase(Locale.ROOT)));
    } catch (DateTimeParseException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Creates one VM of the configured shape and waits until it is RUNNING (or FAILED, or PREEMPTED) or
   * {@code waitFor} passes, printing each step: every zone tried and why it failed, each retry, each state.
   */
  public int create(Duration waitFor, PrintStream out, PrintStream err) {
    Integer offline = notConnected(err);
    if (offline != null) {
      return offline;
    }
    long deadline = System.nanoTime() + waitFor.toNanos();
    out.println("Creating a Spot VM; waiting up to " + human(waitFor) + " for it to run.");
    AtomicReference<String> name = new AtomicReference<>();
    SpotVm vm;
    try {
      CompletableFuture<SpotVm> f = spot.create("command line", e -> {
        name.compareAndSet(null, e.vmName());
        out.println(step(e.time(), e.state(), e.message()));
      });
      vm = f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return timedOut(name.get() == null ? Optional.empty() : spot.vm(name.get()), waitFor, err);
    } catch (ExecutionException e) {
      String msg = e.getCause() instanceof AppException a ? a.userMessage() : String.valueOf(e.getCause());
      err.println("headroom: " + msg);
      return msg.equals(spot.notConnectedReason().orElse(null)) ? NOT_CONNECTED : FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("headroom: interrupted");
      return FAILED;
    }
    String shown = vm.lastMessage();
    while (vm.state() == VmState.PROVISIONING && System.nanoTime() < deadline) {
      try {
        Thread.sleep(Math.min(pollEvery.toMillis(), Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      spot.poll();
      vm = spot.vm(vm.name()).orElse(vm);
      if (!vm.lastMessage().equals(shown)) {
        shown = vm.lastMessage();
        out.println(step(clock.instant(), vm.state(), shown));
      }
    }
    switch (vm.state()) {
      case RUNNING:
        out.println(vm.name() + " RUNNING in " + vm.zone() + " at "
            + (vm.externalIp().isEmpty() ? "(no external IP)" : vm.externalIp()));
        return OK;
      case PROVISIONING:
      case REQUESTED:
        return timedOut(Optional.of(vm), waitFor, err);
      default:
        err.println("headroom: " + vm.name() + " " + vm.state() + ": " + vm.lastMessage());
        // No credentials found on first use: the same exit code as when known beforehand.
        return vm.lastMessage().equals(spot.notConnectedReason().orElse(null)) ? NOT_CONNECTED : FAILED;
    }
  }

  private static int timedOut(Optional<SpotVm> vm, Duration waitFor, PrintStream err) {
    err.println("headroom: " + vm.map(v -> v.name() + " is still " + v.state() + " in " + v.zone()).orElse(
        "the VM is not created yet") + " after " + human(waitFor) + ". It stays tracked and bills once running;"
        + vm.map(v -> " 'headroom vm terminate " + v.name() + "' deletes it.").orElse(
            " 'headroom vm list' shows it."));
    return TIMED_OUT;
  }

  /**
   * Prints every VM Headroom knows (DELETED ones too) after a read-only poll of the live ones: it adopts, deletes
   * and terminates nothing. When Compute Engine cannot be reached, the stored rows are printed as last known with
   * their age, and the exit code says so.
   */
  public int list(boolean json, PrintStream out, PrintStream err) {
    Optional<String> problem = spot.poll();
    int code = problem(problem, err);
    boolean live = problem.isEmpty();
    List<SpotVm> vms = spot.vms();
    Instant now = clock.instant();
    if (json) {
      ArrayNode arr = JSON.createArrayNode();
      vms.forEach(vm -> describe(arr.addObject(), vm, now, live));
      out.println(write(arr));
      return code;
    }
    if (vms.isEmpty()) {
      out.println("No managed VMs.");
      return code;
    }
    String row = "%-34s %-16s %-14s %-12s %-15s %-9s %-9s %s%n";
    out.printf(Locale.ROOT, row, "NAME", "ZONE", "TYPE", "STATE", "EXTERNAL IP", "UPTIME", "TIME LEFT",
        live ? "" : "LAST KNOWN");
    for (SpotVm vm : vms) {
      out.printf(Locale.ROOT, row, vm.name(), vm.zone(), vm.machineType(), vm.state(),
          vm.externalIp().isEmpty() ? "-" : vm.externalIp(), hms(vm.uptime(now)),
          vm.state().ended() ? "-" : hms(vm.timeLeft(now)),
          live ? "" : human(Duration.between(updatedAt(vm), now)) + " ago");
    }
    return code;
  }

  /** Prints one VM and its timeline (after a read-only poll). */
  public int show(String name, boolean json, PrintStream out, PrintStream err) {
    if (spot.vm(name).isEmpty()) {
      return noSuchVm(name, err);
    }
    Optional<String> problem = spot.poll();
    int code = problem(problem, err);
    SpotVm vm = spot.vm(name).orElseThrow();
    Instant now = clock.instant();
    List<VmEvent> events = spot.events(name);
    if (json) {
      ObjectNode o = JSON.createObjectNode();
      describe(o, vm, now, problem.isEmpty());
      ArrayNode timeline = o.putArray("events");
      for (VmEvent e : events) {
        ObjectNode t = timeline.addObject();
        t.put("time", e.time().toString());
        t.put("state", e.state().name());
        t.put("message", e.message());
      }
      out.println(write(o));
      return code;
    }
    out.println(vm.name() + "  " + vm.state() + (problem.isEmpty() ? ""
        : " (last known, " + human(Duration.between(updatedAt(vm), now)) + " ago)"));
    out.println("  zone " + vm.zone() + ", " + vm.machineType() + ", external IP "
        + (vm.externalIp().isEmpty() ? "-" : vm.externalIp()) + ", session " + vm.sessionId());
    out.println("  requested " + vm.requestedAt() + vm.runningSince().map(t -> ", running since " + t).orElse("")
        + vm.endedAt().map(t -> ", ended " + t).orElse("") + "; uptime " + hms(vm.uptime(now))
        + (vm.state().ended() ? "" : ", time left " + hms(vm.timeLeft(now))));
    out.println("Timeline (UTC):");
    events.forEach(e -> out.println(step(e.time(), e.state(), e.message())));
    return code;
  }

  /**
   * Deletes the named VM, or every active one for {@code --all}, and waits. Touches only that VM: an unknown name is
   * an error that changes nothing (no reconciliation, no adoption).
   */
  public int terminate(String nameOrAll, PrintStream out, PrintStream err) {
    boolean all = nameOrAll.equals("--all");
    if (!all && spot.vm(nameOrAll).isEmpty()) {
      return noSuchVm(nameOrAll, err);
    }
    if (!all && spot.vm(nameOrAll).get().state().ended()) {
      SpotVm vm = spot.vm(nameOrAll).get();
      out.println(vm.name() + " " + vm.state() + " (already; nothing to do)");
      return OK;
    }
    Integer offline = notConnected(err);
    if (offline != null) {
      return offline;
    }
    try {
      if (all) {
        long active = spot.vms().stream().filter(v -> v.state().active()).count();
        await(spot.terminateAll("command line"));
        out.println(active == 0 ? "No active VMs." : "Terminated " + active + " VM" + (active == 1 ? "" : "s") + ".");
        return OK;
      }
      SpotVm vm = await(spot.terminate(nameOrAll, "command line"));
      out.println(vm.name() + " " + vm.state());
      return vm.state().ended() ? OK : FAILED;
    } catch (TimedOut e) {
      err.println("headroom: " + e.userMessage());
      return TIMED_OUT;
    } catch (AppException e) {
      err.println("headroom: " + e.userMessage());
      return FAILED;
    }
  }

  private int noSuchVm(String name, PrintStream err) {
    List<String> known = new ArrayList<>();
    spot.vms().forEach(v -> known.add(v.name()));
    err.println("headroom: no VM named " + name + " is managed by Headroom; nothing was changed."
        + (known.isEmpty() ? " It knows no VMs." : " Known: " + String.join(", ", known) + ".")
        + " A VM Headroom started elsewhere is adopted when the app starts (it reconciles then), or delete it with"
        + " gcloud compute instances delete " + name + " --zone ZONE.");
    return NO_SUCH_VM;
  }

  private int problem(Optional<String> problem, PrintStream err) {
    if (problem.isEmpty()) {
      return OK;
    }
    if (spot.notConnectedReason().isPresent()) {
      err.println("headroom: showing the stored state only. " + problem.get());
      return NOT_CONNECTED;
    }
    err.println("headroom: Compute Engine could not be reached (" + problem.get() + "). Showing the stored state"
        + " as last known; it may be out of date.");
    return UNREACHABLE;
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

  /** Waiting past the terminate timeout. */
  private static final class TimedOut extends AppException {
    private static final long serialVersionUID = 1L;

    TimedOut(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private <T> T await(CompletableFuture<T> f) {
    try {
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof AppException a ? a
          : new AppException("Compute Engine call failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new TimedOut("Timed out after " + human(timeout) + " waiting for Compute Engine; the VM stays tracked"
          + " ('headroom vm list')", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AppException("Interrupted while waiting for Compute Engine", e);
    }
  }

  private Instant updatedAt(SpotVm vm) {
    List<VmEvent> events = spot.events(vm.name());
    return events.isEmpty() ? vm.requestedAt() : events.get(events.size() - 1).time();
  }

  /**
   * One VM as JSON. Stable fields other tools rely on: name, zone, machineType, state, externalIp, lastMessage; also
   * the times, uptime, time left, session, whether the state was polled now ({@code live}) and when it last changed.
   */
  private void describe(ObjectNode o, SpotVm vm, Instant now, boolean live) {
    o.put("name", vm.name());
    o.put("zone", vm.zone());
    o.put("machineType", vm.machineType());
    o.put("state", vm.state().name());
    o.put("externalIp", vm.externalIp());
    o.put("lastMessage", vm.lastMessage());
    o.put("requestedAt", vm.requestedAt().toString());
    o.put("runningSince", vm.runningSince().map(Instant::toString).orElse(null));
    o.put("endedAt", vm.endedAt().map(Instant::toString).orElse(null));
    o.put("uptimeSeconds", vm.uptime(now).toSeconds());
    o.put("timeLeftSeconds", vm.timeLeft(now).toSeconds());
    o.put("maxRunDurationSeconds", vm.maxRunDuration().toSeconds());
    o.put("sessionId", vm.sessionId());
    o.put("live", live);
    Instant updated = updatedAt(vm);
    o.put("updatedAt", updated.toString());
    o.put("ageSeconds", Math.max(0, Duration.between(updated, now).toSeconds()));
  }

  private static String write(Object tree) {
    try {
      return JSON.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A JSON tree always serializes", e);
    }
  }

  private static String step(Instant t, VmState state, String message) {
    return String.format(Locale.ROOT, "  %s  %-12s %s", HMS.format(t), state, message);
  }

  private static String hms(Duration d) {
    long s = d.toSeconds();
    return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s % 3600) / 60, s % 60);
  }

  /** "45 s", "5 min", "2 h 10 min". */
  static String human(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 120) {
      return s + " s";
    }
    if (s < 7200) {
      return s / 60 + " min";
    }
    return s / 3600 + " h " + (s % 3600) / 60 + " min";
  }
}
