package dev.headroom.spot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.headroom.config.GcpSettings;
import dev.headroom.config.SettingsLoader;
import java.io.IOException;
import java.time.Duration;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-process Compute Engine v1 REST server on 127.0.0.1 for the real {@code InstancesClient}: instances insert,
 * get, list (label filter, paging), delete, and zone operations get/wait, in the real JSON wire format. Scriptable:
 * stockout or quota per zone, an operation that ends DONE with errors, slow operations, preemption (an instance
 * disappears or stops), operations held RUNNING until released, instances that come up STAGING, and pre-seeded
 * instances for reconciliation. Every insert body is recorded as sent.
 */
public final class FakeComputeServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PATH = Pattern.compile(
      "/compute/v1/projects/([^/]+)/zones/([^/]+)/(instances|operations)(?:/([^/]+))?(/wait)?");
  static final int PAGE_SIZE = 2;

  /** Inserted instance request bodies, in order. */
  public final List<JsonNode> inserts = new CopyOnWriteArrayList<>();
  public final List<String> deletes = new CopyOnWriteArrayList<>();
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

  private final Map<String, ObjectNode> instances = new ConcurrentHashMap<>(); // key zone/name
  private final Map<String, Op> ops = new ConcurrentHashMap<>();
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
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(Executors.newFixedThreadPool(8, r -> {
      Thread t = new Thread(r, "fake-compute");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/", this::handle);
    server.start();
  }

  /** Operation polling fast enough for tests (the default starts at 500 ms). */
  public static final GceCompute.Polling FAST_POLLING =
      new GceCompute.Polling(Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(30));

  /** The default settings with project "test-project", {@code zones} and {@code backendPort}, pointed at this server. */
  public GcpSettings settings(List<String> zones, int backendPort) {
    GcpSettings d = new SettingsLoader().defaults().gcp();
    return new GcpSettings("test-project", "us-central1", zones, d.machineType(), d.imageProject(), d.imageFamily(),
        d.diskSizeGb(), d.diskType(), d.maxRunDurationMinutes(), backendPort, d.network(), endpoint(), "");
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
    return "http://127.0.0.1:" + server.getAddress().getPort();
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

  /** The instance vanishes, as a preempted Spot VM with termination action DELETE does. */
  public void preempt(String zone, String name) {
    instances.remove(zone + "/" + name);
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
      Matcher m = PATH.matcher(path);
      if (!m.matches()) {
        error(ex, 404, "notFound", "No such path " + path);
        return;
      }
      String project = m.group(1);
      String zone = m.group(2);
      String kind = m.group(3);
      String name = m.group(4);
      String method = ex.getRequestMethod();
      if (kind.equals("operations")) {
        operation(ex, zone, name);
      } else if (name == null && method.equals("POST")) {
        insert(ex, project, zone);
      } else if (name == null && method.equals("GET")) {
        list(ex, zone);
      } else if (method.equals("GET")) {
        ObjectNode i = instances.get(zone + "/" + name);
        if (i == null) {
          error(ex, 404, "notFound", "The resource 'projects/" + project + "/zones/" + zone + "/instances/" + name
              + "' was not found");
        } else {
          send(ex, 200, i);
        }
      } else if (method.equals("DELETE")) {
        if (!instances.containsKey(zone + "/" + name)) {
          error(ex, 404, "notFound", "The resource 'projects/" + project + "/zones/" + zone + "/instances/" + name
              + "' was not found");
          return;
        }
        deletes.add(name);
        send(ex, 200, newOp(project, zone, name, "delete", () -> instances.remove(zone + "/" + name)).json);
      } else {
        error(ex, 405, "badRequest", "Method " + method + " not allowed");
      }
    }
  }

  private void insert(HttpExchange ex, String project, String zone) throws IOException {
    JsonNode body = JSON.readTree(ex.getRequestBody());
    inserts.add(body);
    if (quotaZones.contains(zone)) {
      // Real quota failures come back as 403 on the insert call.
      error(ex, 403, "quotaExceeded", "Quota 'PREEMPTIBLE_CPUS' exceeded.  Limit: 8.0 in region "
          + zone.substring(0, zone.lastIndexOf('-')) + ".");
      return;
    }
    String name = body.path("name").asText();
    Map<String, String> labels = JSON.convertValue(body.path("labels"), Map.class);
    String machineType = body.path("machineType").asText().replaceAll(".*/", "");
    Op op;
    if (stockoutZones.contains(zone)) {
      // A stockout is an operation that ends DONE with errors and no HTTP error status.
      op = newOp(project, zone, name, "insert", () -> { });
      op.onDone = () -> {
        ObjectNode err = op.json.putObject("error");
        ArrayNode errors = err.putArray("errors");
        ObjectNode e = errors.addObject();
        e.put("code", "ZONE_RESOURCE_POOL_EXHAUSTED");
        e.put("message", "The zone 'projects/" + project + "/zones/" + zone + "' does not have enough resources"
            + " available to fulfill the request. Try a different zone, or try again later.");
      };
    } else if (operationErrorInZone.containsKey(zone) || nextOperationError != null) {
      String code = operationErrorInZone.containsKey(zone) ? operationErrorInZone.get(zone) : nextOperationError;
      if (!operationErrorInZone.containsKey(zone)) {
        nextOperationError = null;
      }
      op = newOp(project, zone, name, "insert", () -> { });
      op.onDone = () -> {
        ObjectNode e = op.json.putObject("error").putArray("errors").addObject();
        e.put("code", code);
        e.put("message", code.startsWith("QUOTA")
            ? "Quota 'PREEMPTIBLE_CPUS' exceeded.  Limit: 8.0 in region " + zone.substring(0, zone.lastIndexOf('-'))
                + "."
            : code.startsWith("ZONE_RESOURCE_POOL_EXHAUSTED")
                ? "The zone 'projects/" + project + "/zones/" + zone + "' does not have enough resources available"
                    + " to fulfill the request. '(resource type:compute)'."
                : "Invalid value for field 'resource.machineType': scripted failure " + code);
      };
    } else {
      long maxRun = body.path("scheduling").path("maxRunDuration").path("seconds").asLong(0);
      String status = initialStatus;
      op = newOp(project, zone, name, "insert", () -> {
        ObjectNode i = instanceJson(project, zone, name, machineType, labels);
        i.put("status", status);
        i.put("lastStartTimestamp", startTimestamp);
        if (maxRun > 0) {
          ((ObjectNode) i.path("scheduling")).putObject("maxRunDuration").put("seconds", String.valueOf(maxRun));
        }
        instances.put(zone + "/" + name, i);
      });
    }
    send(ex, 200, op.json);
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
      error(ex, 404, "notFound", "Operation " + name + " not found");
      return;
    }
    synchronized (op) {
      java.util.concurrent.CountDownLatch hold = holdOperations;
      if (!op.json.path("status").asText().equals("DONE")) {
        if (op.pollsLeft > 0 || (hold != null && hold.getCount() > 0)) {
          op.pollsLeft--;
          op.json.put("status", "RUNNING");
          op.json.put("progress", 50);
        } else {
          op.onDone.run();
          op.json.put("status", "DONE");
          op.json.put("progress", 100);
        }
      }
      send(ex, 200, op.json);
    }
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
    json.put("status", "PENDING");
    json.put("progress", 0);
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
    ac.put("natIP", natIp != null ? natIp : "34.1.2." + ips.incrementAndGet());
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

  private static void error(HttpExchange ex, int code, String reason, String message) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode err = root.putObject("error");
    err.put("code", code);
    err.put("message", message);
    ObjectNode e = err.putArray("errors").addObject();
    e.put("message", message);
    e.put("domain", code == 403 ? "usageLimits" : "global");
    e.put("reason", reason);
    send(ex, code, root);
  }

  private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
