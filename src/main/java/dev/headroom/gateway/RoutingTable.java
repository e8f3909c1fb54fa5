package dev.headroom.gateway;

import dev.headroom.config.GatewaySettings.RouteRule;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The routes, longest prefix first, and the rule that picks a {@link Target} for a route:
 * {@code table.match("/work/v1/run").map(r -> RoutingTable.choose(r.policy, cloudHealthy, pressured))}.
 */
final class RoutingTable {
  private final List<Route> routes;

  RoutingTable(List<RouteRule> rules) {
    this.routes = rules.stream().map(Route::new)
        .sorted(Comparator.comparingInt((Route r) -> r.prefix().length()).reversed()).toList();
  }

  /** The route with the longest prefix of {@code path}; a prefix ending in '/' also matches the path without it. */
  Optional<Route> match(String path) {
    for (Route r : routes) {
      String prefix = r.prefix();
      if (path.startsWith(prefix) || (prefix.endsWith("/") && path.equals(Route.stripSlash(prefix)))) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  List<Route> routes() {
    return routes;
  }

  List<String> prefixes() {
    return routes.stream().map(Route::prefix).toList();
  }

  /** Where {@code policy} sends a request given whether a healthy VM exists and whether local memory is pressured. */
  static Target choose(Policy policy, boolean cloudHealthy, boolean pressured) {
    return switch (policy) {
      case LOCAL_ONLY -> Target.LOCAL;
      case CLOUD_PREFERRED -> cloudHealthy ? Target.CLOUD : Target.LOCAL;
      case CLOUD_ONLY -> cloudHealthy ? Target.CLOUD : Target.NONE;
      case CLOUD_WHEN_PRESSURED -> cloudHealthy && pressured ? Target.CLOUD : Target.LOCAL;
    };
  }
}
