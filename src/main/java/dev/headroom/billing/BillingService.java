package dev.headroom.billing;

import dev.headroom.config.CostSettings;
import dev.headroom.config.GcpSettings;
import dev.headroom.core.AppException;
import dev.headroom.core.Tasks;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the real GCP bill: reads the export at most every {@code gcp.billingRefreshMinutes} on its own executor
 * (never on the FX thread or the 2 s cost tick), caches the sums in H2 with their age, asks for the account's budgets
 * and the idle-VM recommendations (each giving up within {@link #CALL_TIMEOUT}), fires each cost spike once per
 * service per day, and answers the cost tick from an immutable snapshot ({@link BilledView}).
 *
 * <pre>{@code
 * BillingService billing = new BillingService(gcp, cost, store, export, budgets, idle, clock, billingTasks, alert);
 * billing.start();                       // background refreshes
 * costEngine.useBilling(billing);        // every CostSnapshot carries gcpBilled + the nowcast
 * }</pre>
 */
public final class BillingService implements BilledView, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BillingService.class);
  /** Budgets, billing info and recommendations each give up after this. */
  public static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
  /** The clients' own deadline: a backstop that frees the thread soon after {@link #CALL_TIMEOUT} gave up. */
  public static final Duration CLIENT_TIMEOUT = CALL_TIMEOUT.plusSeconds(2);
  /** One export read (a BigQuery job) gives up after this. */
  public static final Duration EXPORT_TIMEOUT = Duration.ofSeconds(90);
  static final Duration CHECK_EVERY = Duration.ofMinutes(1);
  static final String NOT_CONFIGURED = "The GCP billing export is not configured. Enable it in the Cloud console's"
      + " Billing export page (Billing > Billing export > BigQuery export > Standard usage cost), then set"
      + " gcp.billingExportTable to the PROJECT.DATASET.TABLE it writes (gcp_billing_export_v1_<ACCOUNT>) and"
      + " gcp.project to the project BigQuery jobs run in.";

  private final GcpSettings gcp;
  private final CostSettings cost;
  private final BillingStore store;
  private final Supplier<BillingExport> exportFactory;
  private final Supplier<Budgets> budgetsFactory;
  private final Supplier<IdleVms> idleFactory;
  private final Clock clock;
  private final Tasks tasks;
  private final Consumer<BilledSummary.Spike> spikeAlerts;
  private final String cacheKey;
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private final Set<String> firedSpikes = Collections.synchronizedSet(new HashSet<>());
  private final Map<String, String> logged = new LinkedHashMap<>();
  private volatile State state;
  private volatile Instant lastAttempt = Instant.EPOCH;
  private BillingExport export;
  private Budgets budgets;
  private IdleVms idle;
  private Tasks.Handle ticking;

  /** What the tick reads: replaced whole, never mutated. */
  private record State(Optional<BilledSummary> billed, List<AccountBudget> budgets, List<IdleVm> idle,
      Map<String, String> errors) {}

  public BillingService(GcpSettings gcp, CostSettings cost, BillingStore store, Supplier<BillingExport> export,
      Supplier<Budgets> budgets, Supplier<IdleVms> idle, Clock clock, Tasks tasks,
      Consumer<BilledSummary.Spike> spikeAlerts) {
    this.gcp = gcp;
    this.cost = cost;
    this.store = store;
    this.exportFactory = export;
    this.budgetsFactory = budgets;
    this.idleFactory = idle;
    this.clock = clock;
    this.tasks = tasks;
    this.spikeAlerts = spikeAlerts;
    this.cacheKey = gcp.billingExportTable() + "|" + String.join(",", gcp.billingProjects());
    Map<String, String> errors = new LinkedHashMap<>();
    if (!exportConfigured()) {
      errors.put("export", NOT_CONFIGURED);
    }
    this.state = new State(exportConfigured() ? store.load(cacheKey) : Optional.empty(), List.of(), List.of(),
        Collections.unmodifiableMap(errors));
  }

  /** True when both gcp.project and gcp.billingExportTable are set. */
  public boolean exportConfigured() {
    return gcp.configured() && !gcp.billingExportTable().isBlank();
  }

  /** Refreshes in the background now and then whenever the cache is older than the refresh interval. */
  public void start() {
    if (!gcp.configured()) {
      return;
    }
    tasks.run(this::refreshIfDue);
    ticking = tasks.every(CHECK_EVERY, this::refreshIfDue);
  }

  /**
   * Reads everything that is due, on the caller's thread (the CLI; the app calls it from its billing executor): the
   * export when its cache is older than the refresh interval, then budgets and recommendations. Never throws:
   * failures become {@link GcpBilled#errors()}.
   */
  public void refreshIfDue() {
    if (!gcp.configured() || !refreshing.compareAndSet(false, true)) {
      return;
    }
    try {
      Instant now = clock.instant();
      Duration interval = Duration.ofMinutes(gcp.billingRefreshMinutes());
      boolean stale = state.billed().map(b -> !b.fetchedAt().plus(interval).isAfter(now)).orElse(true);
      if (!lastAttempt.equals(Instant.EPOCH) && lastAttempt.plus(interval).isAfter(now)) {
        return; // tried within the interval already (a failure is not retried sooner either)
      }
      lastAttempt = now;
      Map<String, String> errors = Collections.synchronizedMap(new LinkedHashMap<>());
      Optional<BilledSummary> billed = state.billed();
      if (!exportConfigured()) {
        errors.put("export", NOT_CONFIGURED);
      } else if (stale) {
        try {
          billed = Optional.of(readExport(now));
          store.save(cacheKey, billed.get());
        } catch (AppException e) {
          errors.put("export", e.userMessage());
        }
      }
      CompletableFuture<List<AccountBudget>> budgetCall = tasks.submit(() -> readBudgets(errors));
      List<IdleVm> idleVms = readIdleVms(errors);
      List<AccountBudget> accountBudgets = join(budgetCall);
      synchronized (errors) {
        state = new State(billed, accountBudgets, idleVms, Collections.unmodifiableMap(new LinkedHashMap<>(errors)));
      }
      report(errors);
      billed.ifPresent(this::fireSpikes);
    } finally {
      refreshing.set(false);
    }
  }

  private BilledSummary readExport(Instant now) {
    BillingQuery q = BillingAggregator.query(gcp.billingExportTable(), gcp.billingProjects(), now);
    BillingExport client = export(); // connecting is local work (class loading): outside the timed call
    List<BillingRow> rows = timed("The billing export", EXPORT_TIMEOUT, () -> client.rows(q));
    BilledSummary s = BillingAggregator.summarize(rows, now, cost.serviceGroups(), cost.spikeThresholdUsd());
    LOG.info("Billing export read: {} rows, month to date ${}, watermark {}", s.rows(), s.monthToDate(), s.asOf());
    return s;
  }

  private List<AccountBudget> readBudgets(Map<String, String> errors) {
    String account;
    Budgets client;
    try {
      client = budgets(); // connecting is local work (class loading): outside the timed calls
      account = timed("Billing info", CALL_TIMEOUT, () -> client.accountOf(gcp.project()));
    } catch (AppException e) {
      synchronized (errors) {
        errors.put("billingInfo", e.userMessage());
      }
      return List.of();
    }
    try {
      return timed("Budgets", CALL_TIMEOUT, () -> client.list(account));
    } catch (AppException e) {
      synchronized (errors) {
        errors.put("budgets", e.userMessage());
      }
      return List.of();
    }
  }

  private List<IdleVm> readIdleVms(Map<String, String> errors) {
    try {
      IdleVms client = idle(); // connecting is local work (class loading): outside the timed call
      return timed("Idle-VM recommendations", CALL_TIMEOUT, () -> {
        List<IdleVm> out = new ArrayList<>();
        for (String zone : gcp.zones()) {
          out.addAll(client.list(gcp.project(), zone));
        }
        return out;
      });
    } catch (AppException e) {
      synchronized (errors) {
        errors.put("recommender", e.userMessage());
      }
      return List.of();
    }
  }

  private static List<AccountBudget> join(CompletableFuture<List<AccountBudget>> f) {
    try {
      return f.get(CALL_TIMEOUT.multipliedBy(3).toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    } catch (ExecutionException | TimeoutException e) {
      return List.of(); // readBudgets bounds each of its calls; this only guards against a stuck pool
    }
  }

  // Runs a cloud call on the billing executor and gives up after the timeout, whatever the client does.
  private <T> T timed(String what, Duration timeout, java.util.concurrent.Callable<T> call) {
    CompletableFuture<T> f = tasks.submit(call);
    try {
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new BillingException(BillingException.Kind.UNREACHABLE, what + " gave up after " + timeout.toSeconds()
          + " s without an answer.", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BillingException(BillingException.Kind.UNREACHABLE, what + " was interrupted.", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof AppException a) {
        throw a;
      }
      throw new BillingException(BillingException.Kind.OTHER, what + " failed: " + c, c);
    }
  }

  private synchronized BillingExport export() {
    if (export == null) {
      export = exportFactory.get();
    }
    return export;
  }

  private synchronized Budgets budgets() {
    if (budgets == null) {
      budgets = budgetsFactory.get();
    }
    return budgets;
  }

  private synchronized IdleVms idle() {
    if (idle == null) {
      idle = idleFactory.get();
    }
    return idle;
  }

  // Each problem is logged once (until it changes or clears), never with a stack trace.
  private void report(Map<String, String> errors) {
    synchronized (logged) {
      errors.forEach((source, message) -> {
        if (!message.equals(logged.get(source))) {
          LOG.warn("GCP billing ({}): {}", source, message);
        }
      });
      logged.clear();
      logged.putAll(errors);
    }
  }

  private void fireSpikes(BilledSummary s) {
    LocalDate day = LocalDate.ofInstant(clock.instant(), BillingAggregator.BILLING_ZONE);
    for (BilledSummary.Spike spike : s.spikes()) {
      if (firedSpikes.add(spike.service() + "|" + day)) {
        LOG.info("Cost spike: {}", spike.message(java.time.ZoneId.systemDefault()));
        spikeAlerts.accept(spike);
      }
    }
  }

  @Override
  public GcpBilled at(Instant now, List<Nowcast.VmEstimate> headroomVms) {
    State s = state;
    List<GcpBilled.Problem> problems = s.errors().entrySet().stream()
        .map(e -> new GcpBilled.Problem(e.getKey(), e.getValue())).toList();
    List<GcpBilled.BudgetView> budgetViews = s.budgets().stream()
        .map(b -> GcpBilled.budget(b, s.billed().orElse(null))).toList();
    if (s.billed().isEmpty()) {
      List<GcpBilled.Problem> why = problems.isEmpty() && exportConfigured()
          ? List.of(new GcpBilled.Problem("export", "Reading the billing export..."))
          : problems;
      return GcpBilled.unavailable(exportConfigured(), why, budgetViews, s.idle());
    }
    BilledSummary billed = s.billed().get();
    return GcpBilled.of(billed, Nowcast.of(billed, headroomVms, now), now, budgetViews, s.idle(), problems);
  }

  @Override
  public void close() {
    if (ticking != null) {
      ticking.cancel();
    }
    synchronized (this) {
      for (AutoCloseable c : new AutoCloseable[] {export, budgets, idle}) {
        if (c != null) {
          try {
            c.close();
          } catch (Exception e) {
            LOG.debug("Closing a billing client: {}", e.toString());
          }
        }
      }
    }
  }
}
