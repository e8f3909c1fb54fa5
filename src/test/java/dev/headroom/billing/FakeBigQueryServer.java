package dev.headroom.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.headroom.testing.LoopbackHttp;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-process BigQuery v2 REST server holding billing export tables, answering the way BigQuery does:
 * {@code jobs.query} ({@code POST /bigquery/v2/projects/P/queries}) answers {@code jobComplete: false} with a job
 * reference; {@code jobs.get} gives the job with its anonymous destination table; {@code getQueryResults}
 * ({@code GET .../queries/JOB}) answers {@code jobComplete: false} once more, then true with the schema and total rows;
 * {@code tabledata.list} pages the rows ({@link #pageSize} a page, {@code pageToken}). Rows are f/v JSON; TIMESTAMPs
 * are epoch seconds in BigQuery's floating notation ("1.7639424E9"), or int64 microseconds when the client asks for
 * {@code formatOptions.useInt64Timestamp}; nested repeated records carry no field names. Errors use BigQuery's shape
 * {@code {"error":{"code","message","errors":[{"message","domain","reason"}],"status"}}}.
 *
 * <p>The fake does not parse SQL: it checks the query reads the configured table with a {@code _PARTITIONTIME} filter
 * and applies the named parameters ({@code invoice_month}, {@code trailing_from}, {@code partition_from},
 * {@code projects}) the way the WHERE clause states them.
 */
final class FakeBigQueryServer implements AutoCloseable {
  private static final ObjectMapper JSON = LoopbackHttp.JSON;
  private static final Pattern TABLE = Pattern.compile("FROM `([^`]+)`");
  private static final DateTimeFormatter PARAM_TIME = new DateTimeFormatterBuilder()
      .appendPattern("yyyy-MM-dd HH:mm:ss").optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
      .optionalEnd().appendPattern("xxx").toFormatter();
  private static final String[][] COLUMNS = {
      {"service", "STRING"}, {"sku", "STRING"}, {"project_id", "STRING"}, {"project_number", "STRING"},
      {"usage_start_time", "TIMESTAMP"}, {"usage_end_time", "TIMESTAMP"}, {"export_time", "TIMESTAMP"},
      {"cost", "FLOAT"}, {"currency", "STRING"}, {"currency_conversion_rate", "FLOAT"}, {"cost_type", "STRING"},
      {"invoice_month", "STRING"}};

  int pageSize = 5;
  /** Scripted failure of the next queries: "accessDenied", "notFound", "invalidQuery", "slow" or null. */
  volatile String fail;
  final AtomicInteger queries = new AtomicInteger();
  final List<String> paths = new CopyOnWriteArrayList<>();
  final List<JsonNode> queryRequests = new CopyOnWriteArrayList<>();
  private final Map<String, List<ExportRow>> tables = new ConcurrentHashMap<>();
  private final Map<String, Job> jobs = new ConcurrentHashMap<>();
  private final HttpServer server;

  private static final class Job {
    final String id;
    final List<ExportRow> rows;
    final boolean int64Timestamps;
    final String sql;
    int polls;

    Job(String id, List<ExportRow> rows, boolean int64Timestamps, String sql) {
      this.id = id;
      this.rows = rows;
      this.int64Timestamps = int64Timestamps;
      this.sql = sql;
    }
  }

  FakeBigQueryServer() throws IOException {
    server = LoopbackHttp.server("fake-bigquery");
    server.createContext("/bigquery/v2/projects/", this::handle);
    server.start();
  }

  String endpoint() {
    return LoopbackHttp.endpoint(server);
  }

  FakeBigQueryServer table(String name, List<ExportRow> rows) {
    tables.put(name, List.copyOf(rows));
    return this;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      route(ex);
    } catch (IOException | RuntimeException e) {
      e.printStackTrace();
      throw e;
    }
  }

  private void route(HttpExchange ex) throws IOException {
    {
      String path = ex.getRequestURI().getPath();
      paths.add(ex.getRequestMethod() + " " + path + (ex.getRequestURI().getRawQuery() == null ? ""
          : "?" + ex.getRequestURI().getRawQuery()));
      Map<String, String> query = params(ex.getRequestURI().getRawQuery());
      String[] p = path.substring("/bigquery/v2/projects/".length()).split("/");
      String project = p[0];
      if (ex.getRequestMethod().equals("POST") && p.length == 2 && p[1].equals("queries")) {
        query(ex, project);
      } else if (ex.getRequestMethod().equals("GET") && p.length == 3 && p[1].equals("jobs")) {
        Job job = jobs.get(p[2]);
        if (job == null) {
          error(ex, 404, "notFound", "Not found: Job " + project + ":US." + p[2]);
          return;
        }
        send(ex, 200, jobResource(project, job));
      } else if (ex.getRequestMethod().equals("GET") && p.length == 3 && p[1].equals("queries")) {
        Job job = jobs.get(p[2]);
        if (job == null) {
          error(ex, 404, "notFound", "Not found: Job " + project + ":US." + p[2]);
          return;
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("kind", "bigquery#getQueryResultsResponse");
        out.put("etag", "\"" + job.id + "\"");
        jobRef(out.putObject("jobReference"), project, job.id);
        synchronized (job) {
          if (job.polls++ == 0) {
            out.put("jobComplete", false);
            send(ex, 200, out);
            return;
          }
        }
        out.set("schema", schema());
        out.put("totalRows", String.valueOf(job.rows.size()));
        out.put("totalBytesProcessed", String.valueOf(job.rows.size() * 412L));
        out.put("jobComplete", true);
        out.put("cacheHit", false);
        int max = query.containsKey("maxResults") ? Integer.parseInt(query.get("maxResults")) : pageSize;
        int start = query.containsKey("pageToken") ? Integer.parseInt(query.get("pageToken")) : 0;
        page(out, job, start, Math.min(max, pageSize));
        send(ex, 200, out);
      } else if (ex.getRequestMethod().equals("GET") && p.length == 6 && p[1].equals("datasets")
          && p[3].equals("tables") && p[5].equals("data")) {
        Job job = jobs.get(p[4].substring("anon_".length()));
        if (job == null) {
          error(ex, 404, "notFound", "Not found: Table " + project + ":" + p[2] + "." + p[4]);
          return;
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("kind", "bigquery#tableDataList");
        out.put("etag", "\"" + job.id + "-" + query.getOrDefault("pageToken", "0") + "\"");
        out.put("totalRows", String.valueOf(job.rows.size()));
        int max = query.containsKey("maxResults") ? Integer.parseInt(query.get("maxResults")) : pageSize;
        int start = query.containsKey("pageToken") ? Integer.parseInt(query.get("pageToken")) : 0;
        page(out, job, start, Math.min(max, pageSize));
        send(ex, 200, out);
      } else {
        error(ex, 404, "notFound", "Not found: URL " + path);
      }
    }
  }

  private void query(HttpExchange ex, String project) throws IOException {
    queries.incrementAndGet();
    java.io.InputStream body = ex.getRequestBody();
    if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
      body = new java.util.zip.GZIPInputStream(body); // the Google HTTP client gzips request bodies
    }
    JsonNode req = JSON.readTree(body);
    queryRequests.add(req);
    String scripted = fail;
    if ("slow".equals(scripted)) {
      sleep(30_000);
    }
    String sql = req.path("query").asText();
    Matcher m = TABLE.matcher(sql);
    String table = m.find() ? m.group(1) : "";
    String bqName = table.replaceFirst("\\.", ":");
    if ("accessDenied".equals(scripted)) {
      error(ex, 403, "accessDenied", "Access Denied: Table " + bqName + ": User does not have permission to query"
          + " table " + bqName + ", or perhaps it does not exist.");
      return;
    }
    if ("jobUserDenied".equals(scripted)) {
      error(ex, 403, "accessDenied", "Access Denied: Project " + project + ": User does not have"
          + " bigquery.jobs.create permission in project " + project + ".");
      return;
    }
    if ("invalidQuery".equals(scripted) || !sql.contains("_PARTITIONTIME >= @partition_from")) {
      error(ex, 400, "invalidQuery", "Unrecognized name: _PARTITIONTIME at [1:312]");
      return;
    }
    if (!tables.containsKey(table)) {
      error(ex, 404, "notFound", "Not found: Table " + bqName + " was not found in location US");
      return;
    }
    Map<String, JsonNode> named = new HashMap<>();
    for (JsonNode param : req.path("queryParameters")) {
      named.put(param.path("name").asText(), param.path("parameterValue"));
    }
    String month = named.get("invoice_month").path("value").asText();
    Instant trailing = time(named.get("trailing_from").path("value").asText());
    Instant partition = time(named.get("partition_from").path("value").asText());
    List<String> projects = new ArrayList<>();
    named.get("projects").path("arrayValues").forEach(v -> projects.add(v.path("value").asText()));
    List<ExportRow> rows = new ArrayList<>();
    for (ExportRow r : tables.get(table)) {
      // The export's partitions are by export day; the WHERE clause as the reader writes it.
      boolean inPartition = !r.exportTime().isBefore(partition.truncatedTo(java.time.temporal.ChronoUnit.DAYS));
      boolean selected = month.equals(r.invoiceMonth()) || !r.usageStart().isBefore(trailing);
      boolean wanted = projects.isEmpty() || projects.contains(r.projectId());
      if (inPartition && selected && wanted) {
        rows.add(r);
      }
    }
    boolean int64 = req.path("formatOptions").path("useInt64Timestamp").asBoolean(false);
    String id = "job_" + Integer.toHexString(System.identityHashCode(rows)) + queries.get();
    Job job = new Job(id, rows, int64, sql);
    jobs.put(id, job);
    ObjectNode out = JSON.createObjectNode();
    out.put("kind", "bigquery#queryResponse");
    jobRef(out.putObject("jobReference"), project, id);
    out.put("jobComplete", false);
    send(ex, 200, out);
  }

  private ObjectNode jobResource(String project, Job job) {
    ObjectNode j = JSON.createObjectNode();
    j.put("kind", "bigquery#job");
    j.put("etag", "\"" + job.id + "\"");
    j.put("id", project + ":US." + job.id);
    j.put("selfLink", endpoint() + "/bigquery/v2/projects/" + project + "/jobs/" + job.id + "?location=US");
    j.put("user_email", "someone@example.com");
    ObjectNode q = j.putObject("configuration").putObject("query");
    q.put("query", job.sql);
    ObjectNode dest = q.putObject("destinationTable");
    dest.put("projectId", project);
    dest.put("datasetId", "_8e5e1ba5d9a2c1b7");
    dest.put("tableId", "anon_" + job.id);
    q.put("writeDisposition", "WRITE_TRUNCATE");
    q.put("priority", "INTERACTIVE");
    q.put("useLegacySql", false);
    j.with("configuration").put("jobType", "QUERY");
    jobRef(j.putObject("jobReference"), project, job.id);
    ObjectNode stats = j.putObject("statistics");
    stats.put("creationTime", "1763930000000");
    stats.put("startTime", "1763930000100");
    stats.put("endTime", "1763930000900");
    stats.put("totalBytesProcessed", String.valueOf(job.rows.size() * 412L));
    j.putObject("status").put("state", "DONE");
    return j;
  }

  private void page(ObjectNode out, Job job, int start, int max) {
    ArrayNode rows = out.putArray("rows");
    int end = Math.min(job.rows.size(), start + max);
    for (int i = start; i < end; i++) {
      rows.add(fv(job.rows.get(i), job.int64Timestamps));
    }
    if (end < job.rows.size()) {
      out.put("pageToken", String.valueOf(end));
    }
    if (rows.isEmpty()) {
      out.remove("rows"); // BigQuery leaves "rows" out of an empty page
    }
  }

  private static ObjectNode fv(ExportRow r, boolean int64) {
    ObjectNode row = JSON.createObjectNode();
    ArrayNode f = row.putArray("f");
    text(f, r.service());
    text(f, r.sku());
    text(f, r.projectId());
    text(f, r.projectNumber());
    text(f, ts(r.usageStart(), int64));
    text(f, ts(r.usageEnd(), int64));
    text(f, ts(r.exportTime(), int64));
    text(f, r.cost());
    text(f, r.currency());
    text(f, r.conversionRate());
    text(f, r.costType());
    text(f, r.invoiceMonth());
    ArrayNode labels = f.addObject().putArray("v");
    r.labels().forEach((k, v) -> {
      ArrayNode kv = labels.addObject().putObject("v").putArray("f");
      text(kv, k);
      text(kv, v);
    });
    ArrayNode credits = f.addObject().putArray("v");
    for (ExportRow.Credit c : r.credits()) {
      ArrayNode cf = credits.addObject().putObject("v").putArray("f");
      text(cf, c.name());
      text(cf, c.amount());
      text(cf, c.fullName());
      text(cf, c.id());
      text(cf, c.type());
    }
    return row;
  }

  private static void text(ArrayNode f, String v) {
    if (v == null) {
      f.addObject().putNull("v");
    } else {
      f.addObject().put("v", v);
    }
  }

  // BigQuery writes TIMESTAMP cells as epoch seconds in floating notation, e.g. "1.7639424E9".
  static String ts(Instant t, boolean int64) {
    long micros = t.getEpochSecond() * 1_000_000 + t.getNano() / 1000;
    if (int64) {
      return String.valueOf(micros);
    }
    BigDecimal seconds = BigDecimal.valueOf(micros, 6).stripTrailingZeros();
    String digits = seconds.unscaledValue().toString();
    int exponent = digits.length() - 1 - seconds.scale();
    String mantissa = digits.length() == 1 ? digits + ".0" : digits.charAt(0) + "." + digits.substring(1);
    return mantissa + "E" + exponent;
  }

  private static ObjectNode schema() {
    ObjectNode schema = JSON.createObjectNode();
    ArrayNode fields = schema.putArray("fields");
    for (String[] c : COLUMNS) {
      ObjectNode f = fields.addObject();
      f.put("name", c[0]);
      f.put("type", c[1]);
      f.put("mode", "NULLABLE");
    }
    ObjectNode labels = fields.addObject();
    labels.put("name", "labels").put("type", "RECORD").put("mode", "REPEATED");
    ArrayNode lf = labels.putArray("fields");
    lf.addObject().put("name", "key").put("type", "STRING").put("mode", "NULLABLE");
    lf.addObject().put("name", "value").put("type", "STRING").put("mode", "NULLABLE");
    ObjectNode credits = fields.addObject();
    credits.put("name", "credits").put("type", "RECORD").put("mode", "REPEATED");
    ArrayNode cf = credits.putArray("fields");
    for (String[] c : new String[][] {{"name", "STRING"}, {"amount", "FLOAT"}, {"full_name", "STRING"},
        {"id", "STRING"}, {"type", "STRING"}}) {
      cf.addObject().put("name", c[0]).put("type", c[1]).put("mode", "NULLABLE");
    }
    return schema;
  }

  private static void jobRef(ObjectNode ref, String project, String id) {
    ref.put("projectId", project);
    ref.put("jobId", id);
    ref.put("location", "US");
  }

  private static Instant time(String v) {
    return OffsetDateTime.parse(v, PARAM_TIME).toInstant();
  }

  private static void error(HttpExchange ex, int code, String reason, String message) throws IOException {
    ObjectNode out = JSON.createObjectNode();
    ObjectNode e = out.putObject("error");
    e.put("code", code);
    e.put("message", message);
    ObjectNode item = e.putArray("errors").addObject();
    item.put("message", message);
    item.put("domain", "global");
    item.put("reason", reason);
    e.put("status", switch (code) {
      case 400 -> "INVALID_ARGUMENT";
      case 403 -> "PERMISSION_DENIED";
      case 404 -> "NOT_FOUND";
      default -> "UNKNOWN";
    });
    send(ex, code, out);
  }

  private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
    LoopbackHttp.sendJson(ex, status, body);
  }

  private static Map<String, String> params(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw != null) {
      for (String p : raw.split("&")) {
        int eq = p.indexOf('=');
        if (eq > 0) {
          out.put(p.substring(0, eq), URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return out;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    LoopbackHttp.stop(server);
  }
}
