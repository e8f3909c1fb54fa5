package dev.headroom.config;

import dev.headroom.core.AppException;
import java.math.BigDecimal;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks loaded settings; the first problem becomes an {@link AppException} naming the field. */
final class SettingsValidator {
  private static final Set<String> POLICIES =
      Set.of("LOCAL_ONLY", "CLOUD_PREFERRED", "CLOUD_ONLY", "CLOUD_WHEN_PRESSURED");
  private static final Set<String> KINDS = Set.of("GENERIC", "OPENAI", "ANTHROPIC");
  private static final Pattern PROJECT_ID = Pattern.compile("[a-z][-a-z0-9]{4,28}[a-z0-9]");
  // PROJECT.DATASET.TABLE: BigQuery's own character rules, which also keep the name safe inside backquotes.
  private static final Pattern BILLING_TABLE =
      Pattern.compile("[a-z][-a-z0-9]{4,28}[a-z0-9]\\.[A-Za-z0-9_]{1,1024}\\.[A-Za-z0-9_]{1,1024}");

  private SettingsValidator() {}

  static void validate(Settings s) {
    String[] names = {"memory", "gcp", "autoCreate", "gateway", "cost", "storage", "ui", "notifications"};
    Object[] sections = {s.memory(), s.gcp(), s.autoCreate(), s.gateway(), s.cost(), s.storage(), s.ui(),
        s.notifications()};
    for (int i = 0; i < sections.length; i++) {
      require(sections[i] != null, names[i], "must not be null");
    }
    MemorySettings m = s.memory();
    require(m.thresholdPercent() > 0 && m.thresholdPercent() < 100, "memory.thresholdPercent",
        "must be between 0 and 100, got " + m.thresholdPercent());
    require(m.criticalPercent() > m.thresholdPercent() && m.criticalPercent() <= 100, "memory.criticalPercent",
        "must be above memory.thresholdPercent and at most 100, got " + m.criticalPercent());
    require(m.swapCriticalPagesPerSecond() > 0, "memory.swapCriticalPagesPerSecond", "must be positive");
    require(m.sustainedSeconds() >= 1, "memory.sustainedSeconds", "must be at least 1");
    require(m.projectionSeconds() >= 5, "memory.projectionSeconds", "must be at least 5");
    require(m.trayMinIntervalSeconds() >= 1, "memory.trayMinIntervalSeconds", "must be at least 1");
    require(m.trayMaxIntervalSeconds() >= m.trayMinIntervalSeconds(), "memory.trayMaxIntervalSeconds",
        "must be at least memory.trayMinIntervalSeconds");

    GcpSettings g = s.gcp();
    require(g.region() != null, "gcp.region", "must be set");
    require(g.zones() != null && !g.zones().isEmpty(), "gcp.zones", "must list at least one zone");
    for (String zone : g.zones()) {
      require(zone != null && zone.startsWith(g.region() + "-"), "gcp.zones",
          "zone '" + zone + "' is not in region '" + g.region() + "'");
    }
    require(notBlank(g.machineType()), "gcp.machineType", "must be set");
    require(notBlank(g.imageProject()) && notBlank(g.imageFamily()), "gcp.imageFamily",
        "gcp.imageProject and gcp.imageFamily must be set");
    require(g.diskSizeGb() >= 10, "gcp.diskSizeGb", "must be at least 10");
    require(g.maxRunDurationMinutes() >= 1 && g.maxRunDurationMinutes() <= 7 * 24 * 60,
        "gcp.maxRunDurationMinutes", "must be between 1 and 10080");
    require(g.backendPort() > 0 && g.backendPort() < 65536, "gcp.backendPort", "must be a TCP port");
    require(g.sshPort() > 0 && g.sshPort() < 65536, "gcp.sshPort", "must be a TCP port");
    endpoint(g.computeEndpoint(), "gcp.computeEndpoint");
    endpoint(g.billingEndpoint(), "gcp.billingEndpoint");
    endpoint(g.bigqueryEndpoint(), "gcp.bigqueryEndpoint");
    endpoint(g.budgetsEndpoint(), "gcp.budgetsEndpoint");
    endpoint(g.recommenderEndpoint(), "gcp.recommenderEndpoint");
    require(g.billingExportTable() != null && (g.billingExportTable().isBlank()
        || BILLING_TABLE.matcher(g.billingExportTable()).matches()), "gcp.billingExportTable",
        "must be PROJECT.DATASET.TABLE (e.g. my-project.billing.gcp_billing_export_v1_012345_6789AB_CDEF01), got '"
            + g.billingExportTable() + "'");
    require(g.billingProjects() != null && g.billingProjects().stream().allMatch(
        p -> p != null && PROJECT_ID.matcher(p).matches()), "gcp.billingProjects", "must list project ids");
    require(g.billingRefreshMinutes() >= 1 && g.billingRefreshMinutes() <= 24 * 60, "gcp.billingRefreshMinutes",
        "must be between 1 and 1440");

    AutoCreateSettings a = s.autoCreate();
    require(a.maxConcurrent() >= 1, "autoCreate.maxConcurrent", "must be at least 1");
    require(a.cooldownMinutes() >= 0, "autoCreate.cooldownMinutes", "must not be negative");
    require(a.idleTimeoutMinutes() >= 1, "autoCreate.idleTimeoutMinutes", "must be at least 1");

    GatewaySettings gw = s.gateway();
    require(gw.port() >= 0 && gw.port() < 65536, "gateway.port", "must be a TCP port (0 picks a free one)");
    require(gw.maxRequestBytes() > 0, "gateway.maxRequestBytes", "must be positive");
    require(gw.upstreamTimeoutSeconds() >= 1, "gateway.upstreamTimeoutSeconds", "must be at least 1");
    require(gw.healthCheckSeconds() >= 1, "gateway.healthCheckSeconds", "must be at least 1");
    require(gw.cloudHealthPath() != null && gw.cloudHealthPath().startsWith("/"), "gateway.cloudHealthPath",
        "must be a path starting with '/'");
    require(gw.routes() != null, "gateway.routes", "must be a list (use [] for no routes)");
    List<GatewaySettings.RouteRule> routes = gw.routes();
    Set<String> routeNames = new HashSet<>();
    for (int i = 0; i < routes.size(); i++) {
      GatewaySettings.RouteRule r = routes.get(i);
      String at = "gateway.routes[" + i + "]";
      require(r != null, at, "must not be null");
      require(notBlank(r.name()) && routeNames.add(r.name()), at + ".name", "must be set and unique");
      require(r.pathPrefix() != null && r.pathPrefix().startsWith("/"), at + ".pathPrefix", "must start with '/'");
      require(r.policy() != null && POLICIES.contains(r.policy()), at + ".policy",
          "must be one of " + POLICIES + ", got '" + r.policy() + "'");
      require(r.kind() == null || KINDS.contains(r.kind()), at + ".kind", "must be one of " + KINDS);
      require(isHttpUrl(r.localUrl()), at + ".localUrl", "must be an http(s) URL, got '" + r.localUrl() + "'");
    }

    CostSettings c = s.cost();
    require(c.priceBookPath() != null, "cost.priceBookPath", "must be a string (\"\" for none)");
    require(c.usageLogPath() != null, "cost.usageLogPath", "must be a string (\"\" for none)");
    require(s.storage().dataDir() != null, "storage.dataDir", "must be a string (\"\" for the default)");
    require(c.dailyBudgetUsd() != null && c.dailyBudgetUsd().compareTo(BigDecimal.ZERO) >= 0,
        "cost.dailyBudgetUsd", "must be zero or more");
    require(c.monthlyBudgetUsd() != null && c.monthlyBudgetUsd().compareTo(BigDecimal.ZERO) >= 0,
        "cost.monthlyBudgetUsd", "must be zero or more");
    require(c.spikeThresholdUsd() != null && c.spikeThresholdUsd().signum() > 0, "cost.spikeThresholdUsd",
        "must be positive");
    require(c.serviceGroups() != null && c.serviceGroups().entrySet().stream().allMatch(e -> notBlank(e.getKey())
        && e.getValue() != null && e.getValue().stream().allMatch(SettingsValidator::notBlank)),
        "cost.serviceGroups", "must map group names to lists of service descriptions");
    ui(s.ui());

    NotificationSettings n = s.notifications();
    require(n.minIntervalSeconds() >= 0 && n.minIntervalSeconds() <= 86_400, "notifications.minIntervalSeconds",
        "must be between 0 and 86400, got " + n.minIntervalSeconds());
  }

  private static void ui(UiSettings u) {
    require(u.theme() != null && Set.of("system", "light", "dark").contains(u.theme()), "ui.theme",
        "must be system, light or dark, got '" + u.theme() + "'");
  }

  private static void endpoint(String value, String field) {
    if (value == null || value.isBlank()) {
      return;
    }
    require(isHttpUrl(value) && !value.endsWith("/"), field,
        "must be http(s)://host[:port] with no trailing slash, got '" + value + "'");
  }

  private static boolean isHttpUrl(String value) {
    if (value == null || value.isBlank()) {
      return false;
    }
    try {
      URI u = URI.create(value);
      return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }

  private static void require(boolean ok, String field, String why) {
    if (!ok) {
      throw new AppException("Invalid setting '" + field + "': " + why);
    }
  }
}
