package dev.headroom.ui;

import dev.headroom.config.GcpSettings;
import dev.headroom.core.AppException;
import dev.headroom.core.Tasks;
import dev.headroom.cost.CostSnapshot;
import dev.headroom.memory.MemorySample;
import dev.headroom.memory.MemoryState;
import dev.headroom.spot.SpotVm;
import dev.headroom.spot.SpotVmService;
import dev.headroom.ui.TrayMenu.Item;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The tray menu's view model: builds {@link TrayMenu} from the live services and runs its commands. Every action
 * that spends or destroys money asks first through {@link Confirm} (shape, zones and $/h for a create; uptime and
 * cost for a terminate; the count for terminate all); actions that need Google Cloud are disabled, with the
 * reason in their label, when it is not connected. No AWT, no JavaFX: tested with plain JUnit.
 *
 * <pre>{@code
 * TrayViewModel vm = new TrayViewModel(spot, cost::latest, cost::hourlyPrice, gcp, clock, tasks, confirm, notices,
 *     commands);
 * tray.show(vm.menu(monitor.latest()));
 * }</pre>
 */
public final class TrayViewModel {
  /** Asks the user a yes/no question; blocks the calling (background) thread until answered. */
  @FunctionalInterface
  public interface Confirm {
    boolean ask(String title, String question, String details);
  }

  /** Tells the user how an action ended (a notification). */
  @FunctionalInterface
  public interface Notice {
    void show(String title, String message, boolean warning);
  }

  /** The menu's other commands (window, settings, autostart, quit). */
  public record Commands(Runnable openDashboard, Runnable preferences, Runnable about, Runnable quit,
      Supplier<Boolean> launchAtLogin, Runnable toggleLaunchAtLogin) {}

  private final SpotVmService spot;
  private final Supplier<CostSnapshot> cost;
  private final Function<String, Optional<BigDecimal>> hourlyPrice;
  private final GcpSettings gcp;
  private final Clock clock;
  private final Tasks tasks;
  private final Confirm confirm;
  private final Notice notice;
  private final Commands commands;
  private final Format format;

  public TrayViewModel(SpotVmService spot, Supplier<CostSnapshot> cost,
      Function<String, Optional<BigDecimal>> hourlyPrice, GcpSettings gcp, Clock clock, Tasks tasks, Confirm confirm,
      Notice notice, Commands commands) {
    this(spot, cost, hourlyPrice, gcp, clock, tasks, confirm, notice, commands, Format.DEFAULT);
  }

  TrayViewModel(SpotVmService spot, Supplier<CostSnapshot> cost, Function<String, Optional<BigDecimal>> hourlyPrice,
      GcpSettings gcp, Clock clock, Tasks tasks, Confirm confirm, Notice notice, Commands commands, Format format) {
    this.spot = spot;
    this.cost = cost;
    this.hourlyPrice = hourlyPrice;
    this.gcp = gcp;
    this.clock = clock;
    this.tasks = tasks;
    this.confirm = confirm;
    this.notice = notice;
    this.commands = commands;
    this.format = format;
  }

  /** The menu for the current state. Cheap (no I/O): call on every reading. */
  public TrayMenu menu(Optional<MemoryState> memory) {
    Instant now = clock.instant();
    List<SpotVm> active = spot.vms().stream().filter(v -> v.state().active()).toList();
    long running = active.stream().filter(v -> v.runningSince().isPresent() && !v.state().ended()).count();
    CostSnapshot snap = cost.get();
    Optional<String> offline = spot.notConnectedReason();
    List<Item> items = new ArrayList<>();
    items.add(Item.status(memory.map(this::memoryLine).orElse("Memory: measuring…")));
    items.add(Item.status("Today " + format.money(snap.totalToday()) + " · " + vmCount(running) + " running"));
    items.add(Item.SEPARATOR);
    items.add(Item.action("Open dashboard", commands.openDashboard()));
    items.add(Item.SEPARATOR);
    String notConnected = " (Google Cloud not connected)";
    if (offline.isPresent()) {
      items.add(Item.disabled("Create Spot VM…" + notConnected));
    } else {
      items.add(Item.action("Create Spot VM…", this::createVm));
    }
    Map<String, CostSnapshot.VmCost> costs = snap.vms().stream()
        .collect(Collectors.toMap(CostSnapshot.VmCost::name, c -> c, (a, b) -> b));
    for (SpotVm vm : active) {
      List<Item> sub = new ArrayList<>();
      sub.add(Item.status(vm.state() + " · " + vm.machineType() + " in " + vm.zone()));
      sub.add(Item.status("Uptime " + format.duration(vm.uptime(now))));
      sub.add(Item.status(Optional.ofNullable(costs.get(vm.name()))
          .map(c -> format.money(c.costSoFar()) + " so far" + (c.priced() ? " (" + format.perHour(c.perHour()) + ")"
              : " (price unknown)"))
          .orElse("$ so far: not yet costed")));
      sub.add(Item.SEPARATOR);
      sub.add(offline.isPresent() ? Item.disabled("Terminate…" + notConnected)
          : Item.action("Terminate…", () -> terminate(vm.name())));
      items.add(Item.submenu(vm.name(), sub));
    }
    if (active.isEmpty()) {
      items.add(Item.disabled("Terminate all… (no VMs)"));
    } else if (offline.isPresent()) {
      items.add(Item.disabled("Terminate all (" + active.size() + ")…" + notConnected));
    } else {
      items.add(Item.action("Terminate all (" + active.size() + ")…", this::terminateAll));
    }
    offline.ifPresent(r -> items.add(Item.disabled(firstSentence(r))));
    items.add(Item.SEPARATOR);
    items.add(Item.check("Launch at login", commands.launchAtLogin().get(), commands.toggleLaunchAtLogin()));
    items.add(Item.action("Preferences…", commands.preferences()));
    items.add(Item.action("About Headroom", commands.about()));
    items.add(Item.SEPARATOR);
    items.add(Item.action("Quit Headroom", commands.quit()));
    return new TrayMenu(tooltip(memory, snap, running), List.copyOf(items));
  }

  /** Asks (with shape, zones and $/h), then requests one VM. Runs the price lookup and the question off the FX thread. */
  public CompletableFuture<Boolean> createVm() {
    return tasks.submit(() -> {
      String price = hourlyPrice.apply(gcp.machineType()).map(p -> format.perHour(p) + " (Spot, " + gcp.region()
          + ", plus boot disk)").orElse("unknown right now (price catalog unreachable)");
      String details = "Shape: " + gcp.machineType() + "\n"
          + "Zones, tried in order: " + String.join(", ", gcp.zones()) + "\n"
          + "Price: " + price + "\n"
          + "It runs until you terminate it, it is idle, or its " + format.duration(
              java.time.Duration.ofMinutes(gcp.maxRunDurationMinutes())) + " limit.";
      if (!confirm.ask("Create Spot VM", "Create one " + gcp.machineType() + " Spot VM?", details)) {
        return false;
      }
      spot.create("requested from the tray").whenComplete((vm, err) -> notice.show("Spot VM",
          err != null ? message(err) : vm.name() + " is " + vm.state() + ": " + vm.lastMessage(),
          err != null || vm.state().ended()));
      return true;
    });
  }

  /** Asks (with uptime and cost so far), then deletes one VM. */
  public CompletableFuture<Boolean> terminate(String name) {
    return tasks.submit(() -> {
      Optional<SpotVm> vm = spot.vm(name);
      if (vm.isEmpty()) {
        return false;
      }
      String so = cost.get().vms().stream().filter(c -> c.name().equals(name)).findFirst()
          .map(c -> ", " + format.money(c.costSoFar()) + " so far").orElse("");
      if (!confirm.ask("Terminate Spot VM", "Terminate " + name + "?", "Up " + format.duration(
          vm.get().uptime(clock.instant())) + so + ". Work routed to it falls back to local.")) {
        return false;
      }
      spot.terminate(name, "requested from the tray").whenComplete((v, err) -> notice.show("Spot VM",
          err != null ? message(err) : v.name() + " " + v.state().name().toLowerCase(Locale.ROOT), err != null));
      return true;
    });
  }

  /** Asks (with the count), then deletes every active VM. */
  public CompletableFuture<Boolean> terminateAll() {
    return tasks.submit(() -> {
      long n = spot.vms().stream().filter(v -> v.state().active()).count();
      if (n == 0) {
        return false;
      }
      if (!confirm.ask("Terminate all Spot VMs", "Terminate all " + vmCount(n) + "?",
          "Every VM Headroom manages is deleted. Work routed to them falls back to local.")) {
        return false;
      }
      spot.terminateAll("requested from the tray").whenComplete((v, err) -> notice.show("Spot VMs",
          err != null ? message(err) : "Terminated " + vmCount(n) + ".", err != null));
      return true;
    });
  }

  private String memoryLine(MemoryState s) {
    MemorySample m = s.sample();
    return "Memory " + format.wholePercent(m.usedPercent()) + " used (" + format.bytes(m.usedBytes()) + " of "
        + format.bytes(m.totalBytes()) + ")" + (s.pressure().name().equals("NORMAL") ? ""
        : " · " + s.pressure().name());
  }

  private String tooltip(Optional<MemoryState> memory, CostSnapshot snap, long running) {
    return "Headroom — " + memory.map(s -> format.wholePercent(s.sample().usedPercent()) + " memory used ("
        + format.bytes(s.sample().usedBytes()) + " of " + format.bytes(s.sample().totalBytes()) + ", "
        + s.pressure().name().toLowerCase(Locale.ROOT) + ")").orElse("measuring")
        + " · today " + format.money(snap.totalToday()) + " · " + vmCount(running) + " running";
  }

  private static String vmCount(long n) {
    return n + (n == 1 ? " VM" : " VMs");
  }

  static String firstSentence(String s) {
    int dot = s.indexOf(". ");
    String first = dot > 0 ? s.substring(0, dot + 1) : s;
    return first.length() > 90 ? first.substring(0, 89) + "…" : first;
  }

  private static String message(Throwable t) {
    Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    return c instanceof AppException a ? a.userMessage() : String.valueOf(c.getMessage());
  }
}
