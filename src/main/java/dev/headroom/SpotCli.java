package dev.headroom;

import dev.headroom.core.AppException;
import dev.headroom.spot.SpotVm;
import dev.headroom.spot.SpotVmService;
import dev.headroom.spot.VmState;
import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The {@code vm create|list|terminate NAME|--all} verbs. */
final class SpotCli {
  private SpotCli() {}

  static int run(List<String> args, SpotVmService spot, Clock clock, PrintStream out, PrintStream err)
      throws InterruptedException {
    String verb = args.isEmpty() ? "list" : args.get(0);
    if (!verb.equals("list") && spot.notConnectedReason().isPresent()) {
      err.println("headroom: " + spot.notConnectedReason().get());
      return 3;
    }
    switch (verb) {
      case "list" -> {
        spot.notConnectedReason().ifPresentOrElse(r -> err.println("(not connected: " + r + ")"), () -> {
          spot.reconcile();
        });
        List<SpotVm> vms = spot.vms();
        if (vms.isEmpty()) {
          out.println("No managed VMs.");
        }
        out.printf(Locale.ROOT, "%-34s %-16s %-14s %-12s %-15s %s%n", "NAME", "ZONE", "TYPE", "STATE", "IP", "UPTIME");
        for (SpotVm vm : vms) {
          long s = vm.uptime(clock.instant()).toSeconds();
          out.printf(Locale.ROOT, "%-34s %-16s %-14s %-12s %-15s %d:%02d:%02d%n", vm.name(), vm.zone(),
              vm.machineType(), vm.state(), vm.externalIp().isEmpty() ? "-" : vm.externalIp(), s / 3600,
              (s % 3600) / 60, s % 60);
        }
        return 0;
      }
      case "create" -> {
        out.println("Creating a Spot VM (this takes up to a minute)…");
        SpotVm vm = await(spot.create("command line"));
        out.println(vm.name() + " " + vm.state() + " in " + vm.zone()
            + (vm.externalIp().isEmpty() ? "" : " at " + vm.externalIp()) + ": " + vm.lastMessage());
        return vm.state() == VmState.FAILED ? 1 : 0;
      }
      case "terminate" -> {
        if (args.size() < 2) {
          err.println("headroom: vm terminate needs a VM name or --all");
          return 64;
        }
        spot.reconcile();
        if (args.get(1).equals("--all")) {
          await(spot.terminateAll("command line"));
          out.println("All managed VMs terminated.");
        } else {
          SpotVm vm = await(spot.terminate(args.get(1), "command line"));
          out.println(vm.name() + " " + vm.state());
        }
        return 0;
      }
      default -> {
        err.println("headroom: unknown vm command '" + verb + "' (create, list, terminate NAME|--all)");
        return 64;
      }
    }
  }

  private static <T> T await(CompletableFuture<T> f) throws InterruptedException {
    try {
      return f.get(15, TimeUnit.MINUTES);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof AppException a ? a : new AppException(String.valueOf(e.getCause()), e);
    } catch (TimeoutException e) {
      throw new AppException("Timed out waiting for Compute Engine", e);
    }
  }
}
