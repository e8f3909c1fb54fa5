package dev.headroom.billing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.headroom.testing.LoopbackHttp;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * In-process Cloud Billing v1 ({@code GET /v1/projects/P/billingInfo}), Cloud Billing Budget v1
 * ({@code GET /v1/billingAccounts/A/budgets}, paged) and Recommender v1
 * ({@code GET /v1/projects/P/locations/Z/recommenders/R/recommendations}) REST servers on one loopback port, in the
 * JSON shapes those APIs document. Each can be scripted to be slow (no answer for 30 s) or to deny access with
 * Google's error shape {@code {"error":{"code":403,"message","status":"PERMISSION_DENIED"}}}.
 */
final class FakeBillingApisServer implements AutoCloseable {
  private static final ObjectMapper JSON = LoopbackHttp.JSON;
  static final String ACCOUNT = "billingAccounts/" + BillingFixture.ACCOUNT;

  /** "slow", "denied" or null, per API. */
  volatile String billingInfo;
  volatile String budgets;
  volatile String recommender;
  final List<String> paths = new CopyOnWriteArrayList<>();
  private final HttpServer server;

  FakeBillingApisServer() throws IOException {
    server = LoopbackHttp.server("fake-billing-apis");
    server.createContext("/v1/", this::handle);
    server.start();
  }

  String endpoint() {
    return LoopbackHttp.endpoint(server);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      String query = ex.getRequestURI().getRawQuery();
      paths.add(path + (query == null ? "" : "?" + query));
      if (path.matches("/v1/projects/[^/]+/billingInfo")) {
        if (script(ex, billingInfo)) {
          return;
        }
        String project = path.split("/")[3];
        ObjectNode out = JSON.createObjectNode();
        out.put("name", "projects/" + project + "/billingInfo");
        out.put("projectId", project);
        out.put("billingAccountName", ACCOUNT);
        out.put("billingEnabled", true);
        send(ex, 200, out);
      } else if (path.equals("/v1/" + ACCOUNT + "/budgets")) {
        if (script(ex, budgets)) {
          return;
        }
        send(ex, 200, query != null && query.contains("pageToken=p2") ? budgetPage2() : budgetPage1());
      } else if (path.matches("/v1/projects/[^/]+/locations/[^/]+/recommenders/"
          + "google\\.compute\\.instance\\.IdleResourceRecommender/recommendations")) {
        if (script(ex, recommender)) {
          return;
        }
        String[] p = path.split("/");
        send(ex, 200, recommendations(p[3], p[5]));
      } else {
        error(ex, 404, "NOT_FOUND", "Requested entity was not found.");
      }
    }
  }

  private static boolean script(HttpExchange ex, String mode) throws IOException {
    if ("slow".equals(mode)) {
      try {
        Thread.sleep(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return true;
    }
    if ("denied".equals(mode)) {
      error(ex, 403, "PERMISSION_DENIED", "The caller does not have permission");
      return true;
    }
    return false;
  }

  private static ObjectNode budgetPage1() {
    ObjectNode out = JSON.createObjectNode();
    ObjectNode b = out.putArray("budgets").addObject();
    b.put("name", ACCOUNT + "/budgets/6c4f1b4a-2e0d-4b43-9d2f-6f1b2f1c3a10");
    b.put("displayName", "Monthly GCP");
    ObjectNode filter = b.putObject("budgetFilter");
    filter.put("creditTypesTreatment", "INCLUDE_ALL_CREDITS");
    filter.put("calendarPeriod", "MONTH");
    ObjectNode money = b.putObject("amount").putObject("specifiedAmount");
    money.put("currencyCode", "USD");
    money.put("units", "200");
    ArrayNode rules = b.putArray("thresholdRules");
    rules.addObject().put("thresholdPercent", 0.5).put("spendBasis", "CURRENT_SPEND");
    rules.addObject().put("thresholdPercent", 0.9).put("spendBasis", "CURRENT_SPEND");
    rules.addObject().put("thresholdPercent", 1).put("spendBasis", "FORECASTED_SPEND");
    b.put("etag", "\"a1b2c3\"");
    out.put("nextPageToken", "p2");
    return out;
  }

  private static ObjectNode budgetPage2() {
    ObjectNode out = JSON.createObjectNode();
    ObjectNode b = out.putArray("budgets").addObject();
    b.put("name", ACCOUNT + "/budgets/0d8a7e55-91f3-4f6e-8b1a-3c2d4e5f6a7b");
    b.put("displayName", "ML project");
    b.putObject("budgetFilter").putArray("projects").add("projects/222222222222");
    ObjectNode money = b.putObject("amount").putObject("specifiedAmount");
    money.put("currencyCode", "USD");
    money.put("units", "80");
    money.put("nanos", 500000000);
    b.putArray("thresholdRules").addObject().put("thresholdPercent", 0.8).put("spendBasis", "CURRENT_SPEND");
    b.put("etag", "\"d4e5f6\"");
    return out;
  }

  private static ObjectNode recommendations(String project, String zone) {
    ObjectNode out = JSON.createObjectNode();
    ArrayNode list = out.putArray("recommendations");
    if (zone.equals("us-central1-a")) {
      list.add(recommendation(project, zone, "legacy-build-box", "-36", -500_000_000));
      list.add(recommendation(project, zone, "headroom-20261123-170000-ab12", "-52", -80_000_000));
    }
    return out;
  }

  private static ObjectNode recommendation(String project, String zone, String vm, String units, int nanos) {
    ObjectNode r = JSON.createObjectNode();
    r.put("name", "projects/111111111111/locations/" + zone + "/recommenders/"
        + "google.compute.instance.IdleResourceRecommender/recommendations/" + Integer.toHexString(vm.hashCode()));
    r.put("description", "Save cost by stopping Idle VM '" + vm + "'.");
    r.put("recommenderSubtype", "STOP_VM");
    r.put("lastRefreshTime", "2026-11-23T06:00:00Z");
    ObjectNode impact = r.putObject("primaryImpact");
    impact.put("category", "COST");
    ObjectNode cost = impact.putObject("costProjection");
    ObjectNode money = cost.putObject("cost");
    money.put("currencyCode", "USD");
    money.put("units", units);
    money.put("nanos", nanos);
    cost.put("duration", "2592000s");
    r.put("priority", "P4");
    r.putObject("stateInfo").put("state", "ACTIVE");
    r.put("etag", "\"" + Integer.toHexString(vm.hashCode() * 31) + "\"");
    String resource = "//compute.googleapis.com/projects/" + project + "/zones/" + zone + "/instances/" + vm;
    r.putArray("targetResources").add(resource);
    ArrayNode ops = r.putObject("content").putArray("operationGroups").addObject().putArray("operations");
    ObjectNode test = ops.addObject();
    test.put("action", "test");
    test.put("resourceType", "compute.googleapis.com/Instance");
    test.put("resource", resource);
    test.put("path", "/status");
    test.putObject("valueMatcher").put("matchesPattern", "RUNNING");
    ObjectNode replace = ops.addObject();
    replace.put("action", "replace");
    replace.put("resourceType", "compute.googleapis.com/Instance");
    replace.put("resource", resource);
    replace.put("path", "/status");
    replace.put("value", "TERMINATED");
    return r;
  }

  private static void error(HttpExchange ex, int code, String status, String message) throws IOException {
    ObjectNode out = JSON.createObjectNode();
    ObjectNode e = out.putObject("error");
    e.put("code", code);
    e.put("message", message);
    e.put("status", status);
    send(ex, code, out);
  }

  private static void send(HttpExchange ex, int status, ObjectNode body) throws IOException {
    LoopbackHttp.sendJson(ex, status, body);
  }

  @Override
  public void close() {
    LoopbackHttp.stop(server);
  }
}
