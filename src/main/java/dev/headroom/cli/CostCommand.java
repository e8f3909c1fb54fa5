package dev.headroom.cli;

import dev.headroom.cost.CostHttp;
import dev.headroom.cost.CostSnapshot;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** {@code cost [--json]}: today's and this month's spend, budgets and per-model spend. */
public final class CostCommand {
  private CostCommand() {}

  static int run(List<String> args, CliServices services, PrintStream out, PrintStream err) {
    boolean json = args.equals(List.of("--json"));
    if (!json && !args.isEmpty()) {
      err.println("headroom: usage: cost [--json]");
      return Cli.USAGE;
    }
    CostSnapshot snap = services.cost();
    if (json) {
      out.println(CostHttp.json(snap));
      return 0;
    }
    out.printf(Locale.ROOT, "Today $%s (LLM $%s, GCP $%s est.), month to date $%s, forecast $%s, burn $%s/h%n",
        snap.totalToday().toPlainString(), snap.llmToday().toPlainString(), snap.gcpToday().toPlainString(),
        snap.totalMonth().toPlainString(), snap.monthForecast().toPlainString(),
        snap.burnRatePerHour().toPlainString());
    out.printf(Locale.ROOT, "Budgets: daily %s %% of $%s (%s), monthly %s %% of $%s (%s)%n", snap.daily().percent(),
        snap.daily().limit(), snap.daily().level(), snap.monthly().percent(), snap.monthly().limit(),
        snap.monthly().level());
    printBilled(snap.gcpBilled(), out);
    snap.models().forEach(m -> out.printf(Locale.ROOT, "  %-10s %-28s %6d calls  $%s%s%n", m.provider(), m.model(),
        m.calls(), m.cost().toPlainString(), m.unpriced() > 0 ? "  (" + m.unpriced() + " unpriced)" : ""));
    return 0;
  }

  private static void printBilled(dev.headroom.billing.GcpBilled b, PrintStream out) {
    if (b.monthToDate() != null) {
      out.printf(Locale.ROOT, "GCP billed (export as of %s): today $%s, month to date $%s net of credits%s%n", b.asOf(),
          b.today().setScale(2, java.math.RoundingMode.HALF_UP).toPlainString(),
          b.monthToDate().setScale(2, java.math.RoundingMode.HALF_UP).toPlainString(),
          "USD".equals(b.originalCurrency()) ? "" : " (" + b.originalMonthToDate().setScale(2,
              java.math.RoundingMode.HALF_UP).toPlainString() + " " + b.originalCurrency() + ")");
      b.byService().forEach(s -> out.printf(Locale.ROOT, "  %-32s $%s%n", s.service(),
          s.monthToDate().setScale(2, java.math.RoundingMode.HALF_UP).toPlainString()));
      b.spikes().forEach(s -> out.println("  Spike: " + s.message()));
    }
    b.errors().forEach(e -> out.println("GCP billing (" + e.source() + "): " + e.message()));
  }
}
