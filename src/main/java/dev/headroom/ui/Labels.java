package dev.headroom.ui;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Human words for the codes the engine, gateway and Spot service use (route policies, decision reasons, VM states,
 * pressure, budget levels). The view shows {@link Human#text()} and puts {@link Human#tooltip()} (the explanation and
 * the code) in a tooltip, so nothing internal leaks but the code is still there to search logs for. A code with no
 * entry (a newer engine) still reads as words: {@code SOME_NEW_CODE} becomes "Some new code".
 *
 * <pre>{@code
 * Labels.of("CLOUD_WHEN_PRESSURED").text();    // "Cloud under memory pressure"
 * Labels.of("AUTO_CREATE_DISABLED").tooltip(); // "Auto-create is off in Preferences.\nCode: AUTO_CREATE_DISABLED"
 * }</pre>
 */
public final class Labels {
  /** A code in words, with what it means. */
  public record Human(String code, String text, String explanation) {
    /** Explanation (when there is one) and the code. */
    public String tooltip() {
      return (explanation.isEmpty() ? "" : explanation + "\n") + "Code: " + code;
    }
  }

  private static final Map<String, Human> KNOWN = Map.ofEntries(
      // Route policies (gateway.Policy).
      h("LOCAL_ONLY", "Local only", "Always sent to the local URL."),
      h("CLOUD_PREFERRED", "Cloud when available",
          "Sent to a healthy Spot VM when one runs, else to the local URL."),
      h("CLOUD_ONLY", "Cloud only", "Sent only to a running Spot VM; refused (503) when there is none."),
      h("CLOUD_WHEN_PRESSURED", "Cloud under memory pressure",
          "Sent to a healthy Spot VM while local memory is under pressure, else to the local URL."),
      // Route kinds.
      h("GENERIC", "HTTP", "Forwarded as is, not metered."),
      h("OPENAI", "OpenAI API", "Forwarded to an OpenAI-compatible API; tokens are metered."),
      h("ANTHROPIC", "Anthropic API", "Forwarded to the Anthropic API; tokens are metered."),
      // Decision actions (engine.Decision.Action).
      h("CREATE", "Create VM", "The policy asked for a Spot VM."),
      h("BLOCKED", "Blocked", "A trigger fired but a guard stopped the create."),
      h("NONE", "No action", "Nothing to do."),
      h("TERMINATE", "Delete VM", "The reaper deleted a VM."),
      // Triggers.
      h("SUSTAINED", "Sustained pressure", "Memory stayed at or above the threshold for the sustained window."),
      h("PROJECTION", "Projected pressure", "The 60 s projection crosses the threshold."),
      h("MANUAL", "Manual", "Requested by you."),
      // Decision reasons (engine.AutoCreatePolicy, Engine reaper).
      h("NO_TRIGGER", "Memory fine", "Memory is below the threshold, or not above it long enough."),
      h("AUTO_CREATE_DISABLED", "Auto-create off", "Auto-create is off in Preferences."),
      h("GCP_NOT_CONFIGURED", "Google Cloud not set up", "No Google Cloud project in Preferences."),
      h("MAX_CONCURRENT", "VM limit reached", "As many VMs as allowed are already running or starting."),
      h("COOLDOWN", "Cooling down", "The last create was too recent."),
      h("PRICE_UNKNOWN", "Price unknown", "The VM's price is unknown, so no create (fails closed)."),
      h("SPEND_UNKNOWN", "Spend unreadable", "Today's spend cannot be read, so no create (fails closed)."),
      h("BUDGET", "Budget too low", "Today's budget left does not cover one hour of the VM."),
      h("REAP_IDLE", "Idle", "No routed traffic while memory was normal, for the idle timeout."),
      h("REAP_MAX_LIFETIME", "Max lifetime", "The VM reached its maximum run duration."),
      // VM states (spot.VmState).
      h("REQUESTED", "Requested", "The create was sent to Google Cloud."),
      h("PROVISIONING", "Starting", "Google Cloud is starting the VM."),
      h("RUNNING", "Running", "The VM runs and is billed."),
      h("TERMINATING", "Deleting", "The VM is being deleted."),
      h("DELETED", "Deleted", "The VM was deleted."),
      h("PREEMPTED", "Preempted", "Google Cloud reclaimed the Spot VM."),
      h("FAILED", "Failed", "The create failed; see the timeline for why."),
      // Pressure (memory.Pressure).
      h("NORMAL", "Normal", "Memory use is below the threshold."),
      h("HIGH", "High", "Memory use is at or above the auto-create threshold."),
      h("CRITICAL", "Critical", "Memory is nearly full, or the machine is swapping hard."),
      // Budget levels (cost.CostSnapshot.Budget).
      h("OK", "Within budget", "Under half the budget."),
      h("WARN_50", "Half used", "At least 50 % of the budget is spent."),
      h("WARN_90", "Nearly used", "At least 90 % of the budget is spent."),
      h("OVER", "Over budget", "The budget is spent."),
      // Route targets (gateway.RouteStats.target).
      h("local", "Local", "A request now goes to the local URL."),
      h("cloud", "Spot VM", "A request now goes to the Spot VM's backend."),
      h("none", "Nowhere", "A request now would be refused: no target."));

  private Labels() {}

  private static Map.Entry<String, Human> h(String code, String text, String explanation) {
    return Map.entry(code, new Human(code, text, explanation));
  }

  /** The words for {@code code}; unknown codes are turned into words. */
  public static Human of(String code) {
    if (code == null || code.isEmpty()) {
      return new Human("", "—", "");
    }
    return Optional.ofNullable(KNOWN.get(code)).orElseGet(() -> new Human(code, humanize(code), ""));
  }

  /** The words for an enum constant. */
  public static Human of(Enum<?> code) {
    return of(code.name());
  }

  /** Just the text. */
  public static String text(String code) {
    return of(code).text();
  }

  /** {@code SOME_CODE} -> "Some code". */
  static String humanize(String code) {
    String words = code.replace('_', ' ').trim().toLowerCase(Locale.ROOT);
    return words.isEmpty() ? code : Character.toUpperCase(words.charAt(0)) + words.substring(1);
  }
}
