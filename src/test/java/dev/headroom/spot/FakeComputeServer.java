package dev.headroom.spot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.headroom.testing.LoopbackHttp;
import dev.headroom.config.GcpSettings;
import dev.headroom.config.SettingsLoader;
import java.io.IOException;
import java.time.Duration;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-process Compute Engine v1 REST server on 127.0.0.1 for the real {@code InstancesClient}: instances insert,
 * get, list (label filter, paging), delete, zone operations get/wait/list (operationType filter), in the real JSON
 * wire format (Operation fields and error bodies as the Compute v1 REST reference documents them).
 *
 * <p>Scriptable: stockout or quota per zone, as failed operations in both shapes GCE uses (with
 * {@code httpErrorStatusCode}/{@code httpErrorMessage}, 503 SERVICE UNAVAILABLE or 403 FORBIDDEN, the default as
 * real GCE answers; or without them, {@link #legacyOperationErrors}), an immediate 403 quotaExceeded, 5xx answers to
 * insert and delete, a lost insert response (the instance is created, the caller gets 503), idempotent
 * {@code requestId}s (the same id answers with the first operation; without one a second insert of a name is 409
 * alreadyExists), slow operations, slow or hung answers, instances that stay STAGING after the operation is DONE,
 * preemption (the instance disappears or stays STOPPING, and a {@code compute.instances.preempted} system operation is
 * recorded), operations held RUNNING until released, and pre-seeded instances for reconciliation. Every insert body
 * and every request line is recorded as sent.
 */
public final class FakeComputeServer implements AutoCloseable {
  private static final ObjectMapper JSON = LoopbackHttp.JSON;
  private static final Pattern PATH = Pattern.compile(
      "/compute/v1/projects/([^/]+)/zones/([^/]+)/(instances|operations)(?:/([^/]+))?(/wait|/getGuestAttributes)?");
  static final int PAGE_SIZE = 2;
  static final String PREEMPTED = "compute.instances.preempted";

  /** Inserted instance request bodies, in order (one per POST, retries included). */
  public final List<JsonNode> inserts = new CopyOnWriteArrayList<>();
  /** The requestId of each insert POST, in order ("" when none was sent). */
  public final List<String> insertRequestIds = new CopyOnWriteArrayList<>();
  /** Names of instances a DELETE was accepted for (a repeated requestId is not counted twice). */
  public final List<String> deletes = new CopyOnWriteArrayList<>();
  /** Every request as "METHOD /path", in order. */
  public final List<String> requests = new CopyOnWriteArrayList<>();
  /** The next N insert POSTs answer with {@link #insertFailureStatus} and create nothing. */
  public final AtomicInteger failInserts = new AtomicInteger();
  /** The next N insert POSTs create the instance but answer 503: the response is lost. */
  public final AtomicInteger loseInsertResponses = new AtomicInteger();
  /** The next N DELETEs answer with {@link #insertFailureStatus} and delete nothing. */
  public final AtomicInteger failDeletes = new AtomicInteger();
  /** The HTTP status of scripted insert/delete failures (503 by default; 500 also happens). */
  public volatile int insertFailureStatus = 503;
  /** When true, failed operations leave out httpErrorStatusCode/httpErrorMessage (GCE's other shape). */
  public volatile boolean legacyOperationErrors;
  /** Zone -> number of GETs an instance answers STAGING after its insert operation is DONE. */
  public final Map<String, Integer> stagingGets = new ConcurrentHashMap<>();
  /** The next N insert POSTs are processed only after {@link #slowInsertDelay} (past the caller's deadline). */
  public final AtomicInteger slowInserts = new AtomicInteger();
  public volatile Duration slowInsertDelay = Duration.ofSeconds(1);
  /** The fake's clock for operation and preemption times (tests point it at their MutableClock). */
  public volatile java.util.function.Supplier<java.time.Instant> now = java.time.Instant::now;
  /** Every answer waits this long first (a slow endpoint). */
  public volatile Duration answerDelay = Duration.ZERO;
  /** Requests whose "METHOD /path" matches this regex hang until {@link #release} or close. */
  public volatile Pattern hang;
  private final java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);
  final AtomicInteger listPages = new AtomicInteger();
  final AtomicInteger operationPolls = new AtomicInteger();
  public final Set<String> stockoutZones = ConcurrentHashMap.newKeySet();
  public final Set<String> quotaZones = ConcurrentHashMap.newKeySet();
  /** Zone -> error code of an insert operation that ends DONE with that error (QUOTA_EXCEEDED, ...). */
  final Map<String, String> operationErrorInZone = new ConcurrentHashMap<>();
  volatile String nextOperationError;
  volatile int pollsBeforeDone;
  /** While set and not counted down, every operation stays RUNNING. */
  public volatile java.util.concurrent.CountDownLatch holdOperations;
  /** The status new instances get (STAGING lets tests see PROVISIONING -> RUNNING by polling). */
  volatile String initialStatus = "RUNNING";
  /** The lastStartTimestamp new instances get. */
  volatile String startTimestamp = "2026-11-23T10:00:00.000+00:00";
  /** When set, every instance gets this external IP (127.0.0.1 lets tests reach a loopback "VM backend"). */
  public volatile String natIp;
  /** SSH host keys (type -> base64 blob) every instance publishes as guest attributes under {@code hostkeys/}. */
  public final Map<String, String> hostKeys = new ConcurrentHashMap<>();
  /** How many getGuestAttributes calls per instance answer 404 (guest agent not ready) before the keys appear. */
  public volatile int hostKeysAfterCalls;
  /** The query strings of every getGuestAttributes call, in order. */
  public final List<String> guestAttributeQueries = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> guestAttributeCalls = new ConcurrentHashMap<>();

  private final Map<String, ObjectNode> instances = new ConcurrentHashMap<>(); // key zone/name
  private final Map<String, Integer> stagingLeft = new ConcurrentHashMap<>(); // key zone/name
  private final Map<String, Op> ops = new ConcurrentHashMap<>();
  private final Map<String, Op> byRequestId = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger(1000);
  private final AtomicInteger ips = new AtomicInteger(10);
  private final HttpServer server;

  private static final class Op {
    final ObjectNode json;
    int pollsLeft;
    Runnable onDone;

    Op(ObjectNode json, int pollsLeft, Runnable onDone) {
      this.json = json;
      this.pollsLeft = pollsLeft;
      this.onDone = onDone;
    }
  }

  public FakeComputeServer() throws IOException {
    server = LoopbackHttp.server("fake-compute");
    server.createContext("/", this::handle);
    server.start();
  }

  /** Operation polling fast enough for tests (the default starts at 500 ms). */
  public static final GceCompute.Polling FAST_POLLING =
      new GceCompute.Polling(Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(30),
          Duration.ofSeconds(5));

  /** Retries of TRANSIENT failures without the production pauses. */
  static final Retry FAST_RETRY = new Retry(4, Duration.ofMillis(10), Duration.ofMillis(40), Retry.Sleeper.THREAD);

  /** The default settings with project "test-project", {@code zones} and {@code backendPort}, pointed at this server. */
  public GcpSettings settings(List<String> zones, int backendPort) {
    GcpSettings d = new SettingsLoader().defaults().gcp();
    return new GcpSettings("test-project", "us-central1", zones, d.machineType(), d.imageProject(), d.imageFamily(),
        d.diskSizeGb(), d.diskType(), d.maxRunDurationMinutes(), backendPort, d.network(), endpoint(), "");
  }

  /** As {@link #settings(List, int)}, with the VMs' SSH port at {@code sshPort} (an in-process SSH server). */
  public GcpSettings settings(List<String> zones, int backendPort, int sshPort) {
    GcpSettings g = settings(zones, backendPort);
    return new GcpSettings(g.project(), g.region(), g.zones(), g.machineType(), g.imageProject(), g.imageFamily(),
        g.diskSizeGb(), g.diskType(), g.maxRunDurationMinutes(), g.backendPort(), g.network(), g.computeEndpoint(),
        g.billingEndpoint(), sshPort);
  }

  /** The default settings with {@code zones}, pointed at this server. */
  public GcpSettings settings(List<String> zones) {
    return settings(zones, new SettingsLoader().defaults().gcp().backendPort());
  }

  /** The default settings pointed at this server. */
  public GcpSettings settings() {
    return settings(new SettingsLoader().defaults().gcp().zones());
  }

  /** A real Compute client on this server, polling fast. */
  public static java.util.function.Supplier<Compute> client(GcpSettings gcp) {
    return () -> GceCompute.connect(gcp, FAST_POLLING);
  }

  public String endpoint() {
    return LoopbackHttp.endpoint(server);
  }

  /** Puts an instance there directly (for reconciliation tests). */
  void seed(String zone, String name, String status, Map<String, String> labels) {
    seed(zone, name, status, labels, "e2-highmem-4", startTimestamp);
  }

  /** Puts an instance of {@code machineType}, started at {@code lastStart} (RFC 3339), there directly. */
  void seed(String zone, String name, String status, Map<String, String> labels, String machineType,
      String lastStart) {
    ObjectNode i = instanceJson("p", zone, name, machineType, labels);
    i.put("status", status);
    i.put("lastStartTimestamp", lastStart);
    instances.put(zone + "/" + name, i);
  }

  /** The instance vanishes, as a preempted Spot VM with termination action DELETE does (preempted now). */
  public void preempt(String zone, String name) {
    preempt(zone, name, now.get(), false);
  }

  /**
   * Compute Engine preempts the instance at {@code at}: a {@code compute.instances.preempted} system operation is
   * recorded for it; the instance stays there STOPPING with that lastStopTimestamp ({@code stillStopping}) or is gone
   * (termination action DELETE done).
   */
  public void preempt(String zone, String name, java.time.Instant at, boolean stillStopping) {
    String t = rfc3339(at);
    Op op = newOp("p", zone, name, PREEMPTED, () -> { });
    op.json.put("name", "systemevent-" + at.toEpochMilli() + "-" + Long.toHexString(ids.get() * 7919L));
    ops.remove(op.json.path("selfLink").asText().replaceAll(".*/", ""));
    ops.put(op.json.get("name").asText(), op);
    op.json.put("selfLink", op.json.get("selfLink").asText().replaceAll("[^/]+$", op.json.get("name").asText()));
    op.json.put("user", "system");
    op.json.put("status", "DONE");
    op.json.put("progress", 100);
    op.json.put("statusMessage", "Instance was preempted.");
    op.json.put("insertTime", t);
    op.json.put("startTime", t);
    op.json.put("endTime", t);
    op.pollsLeft = 0;
    ObjectNode i = instances.get(zone + "/" + name);
    if (i != null && stillStopping) {
      i.put("status", "STOPPING");
      i.put("lastStopTimestamp", t);
    } else {
      instances.remove(zone + "/" + name);
    }
  }

  /** Compute Engine deletes the instance at its maxRunDuration: gone, and no preemption operation. */
  public void expire(String zone, String name) {
    instances.remove(zone + "/" + name);
  }

  /** The instance is TERMINATED with lastStopTimestamp {@code at}, and no preemption operation says why. */
  void stopAt(String zone, String name, java.time.Instant at) {
    ObjectNode i = instances.get(zone + "/" + name);
    if (i != null) {
      i.put("status", "TERMINATED");
      i.put("lastStopTimestamp", rfc3339(at));
    }
  }

  /** Hung requests answer now (with their normal answer). */
  public void release() {
    released.countDown();
  }

  /** The instance's status becomes {@code status} (STAGING -> RUNNING, ...). */
  void setStatus(String zone, String name, String status) {
    ObjectNode i = instances.get(zone + "/" + name);
    if (i != null) {
      i.put("status", status);
    }
  }

  /** The instance stops (preempted with termination action STOP, or stopped by someone). */
  void stop(String zone, String name) {
    ObjectNode i = instances.get(zone + "/" + name);
    if (i != null) {
      i.put("status", "TERMINATED");
    }
  }

  public boolean exists(String zone, String name) {
    return instances.containsKey(zone + "/" + name);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getRawPath();
      String method = ex.getRequestMethod();
      requests.add(method + " " + path);
      Pattern h = hang;
      if (h != null && h.matcher(method + " " + path).find()) {
        released.await();
      }
      if (!answerDelay.isZero()) {
        Thread.sleep(answerDelay.toMillis());
      }
      Matcher m = PATH.matcher(path);
      if (!m.matches()) {
        error(ex, 404, "notFound", "No such path " + path);
        return;
      }
      String project = m.group(1);
      String zone = m.group(2);
      String kind = m.group(3);
      String name = m.group(4);
      if (kind.equals("operations") && name == null) {
        listOperations(ex, zone);
      } else if (kind.equals("operations")) {
        operation(ex, zone, name);
      } else if ("/getGuestAttributes".equals(m.group(5)) && method.equals("GET")) {
        guestAttributes(ex, project, zone, name);
      } else if (name == null && method.equals("POST")) {
        insert(ex, project, zone);
      } else if (name == null && method.equals("GET")) {
        list(ex, zone);
      } else if (method.equals("GET")) {
        ObjectNode i = instances.get(zone + "/" + name);
        if (i == null) {
          i = finishPendingInsert(zone, name);
        }
        if (i == null) {
          notFound(ex, project, zone, name);
          return;
        }
        synchronized (i) {
          Integer staging = stagingLeft.computeIfPresent(zone + "/" + name, (k, v) -> v - 1);
          if (staging != null) {
            i.put("status", staging >= 0 ? "STAGING" : "RUNNING");
            if (staging < 0) {
              stagingLeft.remove(zone + "/" + name);
            }
          }
          send(ex, 200, i);
        }
      } else if (method.equals("DELETE")) {
        delete(ex, project, zone, name);
      } else {
        error(ex, 405, "badRequest", "Method " + method + " not allowed");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Operations run on the server whether or not anyone polls them: finish a released insert of zone/name. */
  private ObjectNode finishPendingInsert(String zone, String name) {
    java.util.concurrent.CountDownLatch hold = holdOperations;
    if (hold != null && hold.getCount() > 0) {
      return null;
    }
    for (Op op : ops.values()) {
      synchronized (op) {
        if (op.json.path("operationType").asText().equals("insert")
            && op.json.path("targetLink").asText().endsWith("/zones/" + zone + "/instances/" + name)
            && !op.json.path("status").asText().equals("DONE")) {
          op.onDone.run();
          op.json.put("status", "DONE");
          op.json.put("progress", 100);
          op.json.put("endTime", rfc3339(now.get()));
        }
      }
    }
    return instances.get(zone + "/" + name);
  }

  private void delete(HttpExchange ex, String project, String zone, String name) throws IOException {
    String requestId = query(ex.getRequestURI().getRawQuery()).getOrDefault("requestId", "");
    Op earlier = requestId.isEmpty() ? null : byRequestId.get(requestId);
    if (earlier != null) {
      send(ex, 200, earlier.json);
      return;
    }
    if (failDeletes.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      serverError(ex);
      return;
    }
    if (!instances.containsKey(zone + "/" + name)) {
      notFound(ex, project, zone, name);
      return;
    }
    deletes.add(name);
    Op op = newOp(project, zone, name, "delete", () -> instances.remove(zone + "/" + name));
    if (!requestId.isEmpty()) {
      byRequestId.put(requestId, op);
    }
    send(ex, 200, op.json);
  }

  private void insert(HttpExchange ex, String project, String zone) throws IOException {
    JsonNode body = JSON.readTree(ex.getRequestBody());
    String requestId = query(ex.getRequestURI().getRawQuery()).getOrDefault("requestId", "");
    inserts.add(body);
    insertRequestIds.add(requestId);
    if (slowInserts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      try {
        Thread.sleep(slowInsertDelay.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Op earlier = requestId.isEmpty() ? null : byRequestId.get(requestId);
    if (earlier != null) {
      // Compute Engine recognises a repeated requestId and answers with the first request's operation.
      send(ex, 200, earlier.json);
      return;
    }
    if (failInserts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      serverError(ex);
      return;
    }
    String name = body.path("name").asText();
    if (instances.containsKey(zone + "/" + name)) {
      error(ex, 409, "alreadyExists", "The resource 'projects/" + project + "/zones/" + zone + "/instances/" + name
          + "' already exists");
      return;
    }
    String region = zone.substring(0, zone.lastIndexOf('-'));
    if (quotaZones.contains(zone)) {
      // Real quota failures can also come back at once as 403 on the insert call.
      error(ex, 403, "quotaExceeded", "Quota 'PREEMPTIBLE_CPUS' exceeded.  Limit: 8.0 in region " + region + ".");
      return;
    }
    Map<String, String> labels = JSON.convertValue(body.path("labels"), Map.class);
    String machineType = body.path("machineType").asText().replaceAll(".*/", "");
    Op op;
    String code = stockoutZones.contains(zone) ? "ZONE_RESOURCE_POOL_EXHAUSTED"
        : operationErrorInZone.containsKey(zone) ? operationErrorInZone.get(zone) : nextOperationError;
    if (code != null) {
      if (!stockoutZones.contains(zone) && !operationErrorInZone.containsKey(zone)) {
        nextOperationError = null;
      }
      op = newOp(project, zone, name, "insert", () -> { });
      op.onDone = () -> failOperation(op.json, project, zone, region, machineType, code);
    } else {
      long maxRun = body.path("scheduling").path("maxRunDuration").path("seconds").asLong(0);
      String status = initialStatus;
      Integer staging = stagingGets.get(zone);
      op = newOp(project, zone, name, "insert", () -> {
        ObjectNode i = instanceJson(project, zone, name, machineType, labels);
        i.put("status", staging != null ? "STAGING" : status);
        i.put("lastStartTimestamp", startTimestamp);
        if (maxRun > 0) {
          ((ObjectNode) i.path("scheduling")).putObject("maxRunDuration").put("seconds", String.valueOf(maxRun));
        }
        instances.put(zone + "/" + name, i);
        if (staging != null) {
          stagingLeft.put(zone + "/" + name, staging);
        }
      });
    }
    if (!requestId.isEmpty()) {
      byRequestId.put(requestId, op);
      op.json.put("clientOperationId", requestId);
    }
    if (loseInsertResponses.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      synchronized (op) { // the operation runs to its end on the server; only its answer is lost
        op.onDone.run();
        op.json.put("status", "DONE");
        op.json.put("progress", 100);
        op.json.put("endTime", rfc3339(now.get()));
      }
      serverError(ex);
      return;
    }
    send(ex, 200, op.json);
  }

  /**
   * Ends an insert operation DONE with {@code code} in error.errors[], as Compute Engine does: messages and
   * errorDetails as documented, and (unless {@link #legacyOperationErrors}) httpErrorStatusCode/httpErrorMessage.
   */
  private void failOperation(ObjectNode op, String project, String zone, String region, String machineType,
      String code) {
    ObjectNode e = op.putObject("error").putArray("errors").addObject();
    e.put("code", code);
    int http;
    String httpMessage;
    if (code.startsWith("QUOTA")) {
      e.put("message", "Quota 'CPUS' exceeded.  Limit: 8.0 in region " + region + ".");
      ObjectNode q = e.putArray("errorDetails").addObject().putObject("quotaInfo");
      q.put("metricName", "compute.googleapis.com/cpus");
      q.put("limitName", "CPUS-per-project-region");
      q.putObject("dimensions").put("region", region);
      q.put("limit", 8);
      http = 403;
      httpMessage = "FORBIDDEN";
    } else if (code.startsWith("ZONE_RESOURCE_POOL_EXHAUSTED")) {
      boolean details = code.endsWith("_WITH_DETAILS");
      e.put("message", "The zone 'projects/" + project + "/zones/" + zone + "' does not have enough resources"
          + " available to fulfill the request." + (details ? "  '(resource type:compute)'."
          : " Try a different zone, or try again later."));
      if (details) {
        ArrayNode d = e.putArray("errorDetails");
        ObjectNode info = d.addObject().putObject("errorInfo");
        info.put("reason", "resource_availability");
        info.put("domain", "compute.googleapis.com");
        ObjectNode meta = info.putObject("metadatas");
        meta.put("zone", zone);
        meta.put("vmType", machineType);
        meta.put("attachment", "");
        ObjectNode link = d.addObject().putObject("help").putArray("links").addObject();
        link.put("description", "Troubleshooting documentation");
        link.put("url", "https://cloud.google.com/compute/docs/resource-error");
      }
      http = 503;
      httpMessage = "SERVICE UNAVAILABLE";
    } else {
      e.put("message", "Invalid value for field 'resource.machineType': scripted failure " + code);
      http = 400;
      httpMessage = "BAD REQUEST";
    }
    if (!legacyOperationErrors) {
      op.put("httpErrorStatusCode", http);
      op.put("httpErrorMessage", httpMessage);
    }
  }

  /** instances.getGuestAttributes in the real shape; 404 "of type 'Guest Attribute' was not found" until published. */
  private void guestAttributes(HttpExchange ex, String project, String zone, String name) throws IOException {
    String rawQuery = ex.getRequestURI().getRawQuery();
    guestAttributeQueries.add(rawQuery == null ? "" : URLDecoder.decode(rawQuery, StandardCharsets.UTF_8));
    if (!instances.containsKey(zone + "/" + name)) {
      notFound(ex, project, zone, name);
      return;
    }
    String path = query(rawQuery).getOrDefault("queryPath", "");
    int call = guestAttributeCalls.computeIfAbsent(zone + "/" + name, k -> new AtomicInteger()).incrementAndGet();
    if (!path.equals("hostkeys/") || hostKeys.isEmpty() || call <= hostKeysAfterCalls) {
      error(ex, 404, "notFound", "The resource '" + path + "' of type 'Guest Attribute' was not found.");
      return;
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("kind", "compute#guestAttributes");
    out.put("queryPath", path);
    ArrayNode items = out.putObject("queryValue").putArray("items");
    new java.util.TreeMap<>(hostKeys).forEach((type, blob) -> {
      ObjectNode item = items.addObject();
      item.put("namespace", "hostkeys");
      item.put("key", type);
      item.put("value", blob);
    });
    out.put("selfLink", "https://www.googleapis.com/compute/v1/projects/" + project + "/zones/" + zone
        + "/instances/" + name + "/getGuestAttributes");
    send(ex, 200, out);
  }

  private void list(HttpExchange ex, String zone) throws IOException {
    listPages.incrementAndGet();
    Map<String, String> q = query(ex.getRequestURI().getRawQuery());
    String filter = q.getOrDefault("filter", "");
    List<ObjectNode> matching = new ArrayList<>();
    for (Map.Entry<String, ObjectNode> e : new java.util.TreeMap<>(instances).entrySet()) {
      if (!e.getKey().startsWith(zone + "/")) {
        continue;
      }
      if (filter.startsWith("labels.")) {
        String[] kv = filter.substring("labels.".length()).split("=", 2);
        if (!e.getValue().path("labels").path(kv[0].trim()).asText().equals(kv[1].trim())) {
          continue;
        }
      }
      matching.add(e.getValue());
    }
    int start = q.containsKey("pageToken") ? Integer.parseInt(q.get("pageToken")) : 0;
    ObjectNode out = JSON.createObjectNode();
    out.put("kind", "compute#instanceList");
    out.put("id", "projects/p/zones/" + zone + "/instances");
    ArrayNode items = out.putArray("items");
    for (int i = start; i < Math.min(matching.size(), start + PAGE_SIZE); i++) {
      items.add(matching.get(i));
    }
    if (start + PAGE_SIZE < matching.size()) {
      out.put("nextPageToken", String.valueOf(start + PAGE_SIZE));
    }
    send(ex, 200, out);
  }

  private void operation(HttpExchange ex, String zone, String name) throws IOException {
    operationPolls.incrementAndGet();
    Op op = ops.get(name);
    if (op == null) {
      error(ex, 404, "notFound", "The resource 'projects/p/zones/" + zone + "/operations/" + name
          + "' was not found");
      return;
    }
    synchronized (op) {
      java.util.concurrent.CountDownLatch hold = holdOperations;
      if (!op.json.path("status").asText().equals("DONE")) {
        if (op.pollsLeft > 0 || (hold != null && hold.getCount() > 0)) {
          op.pollsLeft--;
          op.json.put("status", "RUNNING");
          op.json.put("progress", 50);
          op.json.put("startTime", op.json.path("insertTime").asText());
        } else {
          op.onDone.run();
          op.json.put("status", "DONE");
          op.json.put("progress", 100);
          op.json.put("startTime", op.json.path("insertTime").asText());
          op.json.put("endTime", rfc3339(now.get()));
        }
      }
      send(ex, 200, op.json);
    }
  }

  /** zoneOperations.list, with the {@code operationType="..."} filter gcloud and Headroom use. */
  private void listOperations(HttpExchange ex, String zone) throws IOException {
    String filter = query(ex.getRequestURI().getRawQuery()).getOrDefault("filter", "");
    Matcher f = Pattern.compile("operationType\\s*=\\s*\"?([\\w.]+)\"?").matcher(filter);
    String type = f.find() ? f.group(1) : null;
    ObjectNode out = JSON.createObjectNode();
    out.put("kind", "compute#operationList");
    out.put("id", "projects/p/zones/" + zone + "/operations");
    ArrayNode items = out.putArray("items");
    for (Op op : ops.values()) {
      if (op.json.path("zone").asText().endsWith("/zones/" + zone)
          && (type == null || op.json.path("operationType").asText().equals(type))) {
        items.add(op.json);
      }
    }
    out.put("selfLink", "https://www.googleapis.com/compute/v1/projects/p/zones/" + zone + "/operations");
    send(ex, 200, out);
  }

  private Op newOp(String project, String zone, String target, String type, Runnable onDone) {
    String name = "operation-" + ids.incrementAndGet();
    ObjectNode json = JSON.createObjectNode();
    json.put("kind", "compute#operation");
    json.put("id", String.valueOf(ids.get()));
    json.put("name", name);
    json.put("zone", "https://www.googleapis.com/compute/v1/projects/" + project + "/zones/" + zone);
    json.put("operationType", type);
    json.put("targetLink", "https://www.googleapis.com/compute/v1/projects/" + project + "/zones/" + zone
        + "/instances/" + target);
    json.put("targetId", String.valueOf(ids.get() + 500_000));
    json.put("status", "PENDING");
    json.put("user", "headroom-test@test-project.iam.gserviceaccount.com");
    json.put("progress", 0);
    json.put("insertTime", rfc3339(now.get()));
    json.put("creationTimestamp", rfc3339(now.get()));
    json.put("selfLink", "https://www.googleapis.com/compute/v1/projects/" + project + "/zones/" + zone
        + "/operations/" + name);
    Op op = new Op(json, pollsBeforeDone, onDone);
    ops.put(name, op);
    return op;
  }

  private ObjectNode instanceJson(String project, String zone, String name, String machineType,
      Map<String, String> labels) {
    ObjectNode i = JSON.createObjectNode();
    i.put("kind", "compute#instance");
    i.put("id", String.valueOf(ids.incrementAndGet()));
    i.put("name", name);
    i.put("zone", "https://www.googleapis.com/compute/v1/projects/" + project + "/zones/" + zone);
    i.put("machineType", "https://www.googleapis.com/compute/v1/projects/" + project + "/zones/" + zone
        + "/machineTypes/" + machineType);
    i.put("status", "RUNNING");
    i.put("creationTimestamp", "2026-11-23T10:00:00.000-08:00");
    ObjectNode l = i.putObject("labels");
    if (labels != null) {
      labels.forEach(l::put);
    }
    ObjectNode nic = i.putArray("networkInterfaces").addObject();
    nic.put("name", "nic0");
    nic.put("networkIP", "10.128.0." + ips.get());
    ObjectNode ac = nic.putArray("accessConfigs").addObject();
    ac.put("kind", "compute#accessConfig");
    ac.put("type", "ONE_TO_ONE_NAT");
    ac.put("name", "External NAT");
    ac.put("natIP", natIp != null ? natIp : "127.0.2." + ips.incrementAndGet());
    ObjectNode sched = i.putObject("scheduling");
    sched.put("provisioningModel", "SPOT");
    sched.put("instanceTerminationAction", "DELETE");
    return i;
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new java.util.HashMap<>();
    if (raw == null) {
      return out;
    }
    for (String part : raw.split("&")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        out.put(URLDecoder.decode(part.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static void notFound(HttpExchange ex, String project, String zone, String name) throws IOException {
    error(ex, 404, "notFound", "The resource 'projects/" + project + "/zones/" + zone + "/instances/" + name
        + "' was not found");
  }

  /** A 5xx as Compute Engine's front end sends it. */
  private void serverError(HttpExchange ex) throws IOException {
    int code = insertFailureStatus;
    error(ex, code, "backendError", code == 503 ? "The service is currently unavailable."
        : "Internal error. Please try again or contact Google Support. (Code: '-4371235410289651042')");
  }

  /** RFC 3339 with an offset, as Compute Engine writes timestamps. */
  static String rfc3339(java.time.Instant t) {
    return java.time.OffsetDateTime.ofInstant(t, java.time.ZoneOffset.ofHours(-8))
        .format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxxx"));
  }

  private static void error(HttpExchange ex, int code, String reason, String message) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode err = root.putObject("error");
    err.put("code", code);
    err.put("message", message);
    ObjectNode e = err.putArray("errors").addObject();
    e.put("message", message);
    e.put("domain", code == 403 && reason.equals("quotaExceeded") ? "usageLimits" : "global");
    e.put("reason", reason);
    send(ex, code, root);
  }

  private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
    LoopbackHttp.sendJson(ex, status, body);
  }

  @Override
  public void close() {
    released.countDown();
    LoopbackHttp.stop(server);
  }
}
