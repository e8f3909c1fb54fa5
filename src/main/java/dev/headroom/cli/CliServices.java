package dev.headroom.cli;

import dev.headroom.config.Settings;
import dev.headroom.cost.CostSnapshot;
import dev.headroom.cost.PriceCommands;
import dev.headroom.memory.MemoryState;
import dev.headroom.spot.SpotVmService;
import java.time.Clock;

/**
 * What the command-line verbs run against. Two implementations: the running app's live services (a verb that came
 * in over the control API) and a one-shot set the CLI opens itself when no instance runs. The verbs print the same
 * either way.
 */
public interface CliServices {
  Settings settings();

  Clock clock();

  /** The current memory reading, classified the way the app classifies it. */
  MemoryState memory();

  /** The current cost snapshot. */
  CostSnapshot cost();

  /** The {@code price} verbs (rate table, price book, the live catalog when connected; no store). */
  PriceCommands prices();

  /** The Spot VM service (opening the store on first use). */
  SpotVmService spot();
}
