package dev.headroom.cost;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.headroom.testing.LoopbackHttp;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process Cloud Billing Catalog v1 REST server: {@code GET /v1/services/6F81-5844-456A/skus}, paged with
 * pageToken / nextPageToken, in the real SKU JSON shape.
 */
final class FakeCatalogServer implements AutoCloseable {
  private static final ObjectMapper JSON = LoopbackHttp.JSON;
  static final int PAGE_SIZE = 3;
  final AtomicInteger requests = new AtomicInteger();
  final List<String> pageTokens = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<ObjectNode> skus = new ArrayList<>();
  private final HttpServer server;

  FakeCatalogServer() throws IOException {
    server = LoopbackHttp.server("fake-catalog");
    server.createContext("/v1/services/6F81-5844-456A/skus", ex -> {
      requests.incrementAndGet();
      String q = ex.getRequestURI().getRawQuery();
      int start = 0;
      if (q != null) {
        for (String p : q.split("&")) {
          if (p.startsWith("pageToken=") && p.length() > 10) {
            pageTokens.add(p.substring(10));
            start = Integer.parseInt(p.substring(10));
          }
        }
      }
      ObjectNode out = JSON.createObjectNode();
      ArrayNode arr = out.putArray("skus");
      for (int i = start; i < Math.min(skus.size(), start + PAGE_SIZE); i++) {
        arr.add(skus.get(i));
      }
      if (start + PAGE_SIZE < skus.size()) {
        out.put("nextPageToken", String.valueOf(start + PAGE_SIZE));
      }
      LoopbackHttp.sendJson(ex, 200, out);
    });
    server.start();
  }

  String endpoint() {
    return LoopbackHttp.endpoint(server);
  }

  /** Adds a SKU priced {@code price} $/unit (split into units + nanos as the API does). */
  FakeCatalogServer sku(String description, String group, String usageType, String region, String price) {
    return sku(description, group, usageType, List.of(region), price);
  }

  /** Adds a SKU sold in several regions (as the multi-region "running in Americas" SKUs are). */
  FakeCatalogServer sku(String description, String group, String usageType, List<String> regions, String price) {
    BigDecimal p = new BigDecimal(price);
    long units = p.longValue();
    int nanos = p.subtract(BigDecimal.valueOf(units)).movePointRight(9).intValueExact();
    ObjectNode s = JSON.createObjectNode();
    String id = String.format("%04X-%04X-%04X", skus.size(), skus.size() * 7, skus.size() * 13);
    s.put("name", "services/6F81-5844-456A/skus/" + id);
    s.put("skuId", id);
    s.put("description", description);
    ObjectNode cat = s.putObject("category");
    cat.put("serviceDisplayName", "Compute Engine");
    cat.put("resourceFamily", "Compute");
    cat.put("resourceGroup", group);
    cat.put("usageType", usageType);
    ArrayNode serviceRegions = s.putArray("serviceRegions");
    regions.forEach(serviceRegions::add);
    ObjectNode expr = s.putArray("pricingInfo").addObject().putObject("pricingExpression");
    expr.put("usageUnit", group.equals("RAM") ? "GiBy.h" : "h");
    expr.put("displayQuantity", 1);
    ObjectNode tier = expr.putArray("tieredRates").addObject();
    tier.put("startUsageAmount", 0);
    ObjectNode money = tier.putObject("unitPrice");
    money.put("currencyCode", "USD");
    money.put("units", String.valueOf(units));
    money.put("nanos", nanos);
    skus.add(s);
    return this;
  }

  @Override
  public void close() {
    LoopbackHttp.stop(server);
  }
}
