package dev.headroom.spot;

import dev.headroom.core.AppException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Compute Engine call failed; {@link #kind()} says whether another zone may help, or whether the same request may
 * be sent again; {@link #quota()} names the quota when one was exceeded.
 */
public final class ComputeException extends AppException {
  private static final long serialVersionUID = 1L;
  // Compute Engine's own words: "Quota 'CPUS' exceeded.  Limit: 24.0 in region us-central1."
  private static final Pattern QUOTA_TEXT = Pattern.compile(
      "Quota '([^']+)' exceeded\\.\\s+Limit:\\s*([0-9.]+)(?:\\s+in (?:region|zone)\\s+([a-z0-9-]+))?");

  /** What went wrong. */
  public enum Kind {
    /** The zone has no capacity for the shape (ZONE_RESOURCE_POOL_EXHAUSTED[_WITH_DETAILS]): try the next zone. */
    STOCKOUT,
    /** A quota was exceeded: try the next zone, and tell the user which quota. */
    QUOTA,
    /** The resource does not exist. */
    NOT_FOUND,
    /** Credentials missing, expired or without permission. */
    PERMISSION,
    /**
     * The service did not answer in time, answered 5xx/429, or could not be reached: the same request (same
     * requestId) may be sent again.
     */
    TRANSIENT,
    OTHER
  }

  /**
   * The quota that was exceeded, as Compute Engine names it.
   *
   * @param name the quota ({@code CPUS}, {@code PREEMPTIBLE_CPUS})
   * @param limit the project's limit as Compute Engine prints it ({@code 8})
   * @param region the region (or zone) it applies to, empty if not said
   * @param metric the Service Usage metric ({@code compute.googleapis.com/cpus}), empty if not said
   */
  public record Quota(String name, String limit, String region, String metric) {

    /** What to tell a person: the quota, its limit, where, and how to ask for more. */
    public String explain(String project) {
      String where = region.isEmpty() ? "" : " in " + region;
      return "Quota " + name + " is exhausted" + where + " (limit " + limit + "). Request more in the Google Cloud"
          + " console, IAM & Admin > Quotas & System Limits (https://console.cloud.google.com/iam-admin/quotas"
          + (project.isEmpty() ? "" : "?project=" + project) + "), filtering on " + name
          + (metric.isEmpty() ? "" : " (" + metric + ")") + where + ", or choose another machine type or region.";
    }

    /** The quota named in one of Compute Engine's quota messages, if any. */
    static Optional<Quota> parse(String message) {
      Matcher m = QUOTA_TEXT.matcher(message == null ? "" : message);
      if (!m.find()) {
        return Optional.empty();
      }
      return Optional.of(new Quota(m.group(1), trimZeros(m.group(2)), m.group(3) == null ? "" : m.group(3), ""));
    }

    static String trimZeros(String number) {
      return number.contains(".") ? number.replaceAll("\\.?0+$", "") : number;
    }
  }

  /**
   * One entry of an operation's {@code error.errors[]}.
   *
   * @param quota from {@code errorDetails[].quotaInfo}, or parsed from the message
   */
  record OperationError(String code, String message, Optional<Quota> quota) {}

  private final Kind kind;
  private final Optional<Quota> quota;

  public ComputeException(Kind kind, String message, Throwable cause) {
    this(kind, message, Optional.empty(), cause);
  }

  ComputeException(Kind kind, String message, Optional<Quota> quota, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.quota = quota;
  }

  public Kind kind() {
    return kind;
  }

  /** The exceeded quota, when {@link #kind()} is QUOTA and Compute Engine named it. */
  public Optional<Quota> quota() {
    return quota;
  }

  /**
   * The failure a DONE operation reports in {@code error.errors[]}, classified from its codes (never from the HTTP
   * status alone: GCE adds {@code httpErrorStatusCode} 503 to stockouts and 403 to quota errors).
   */
  static ComputeException fromOperation(String what, List<OperationError> errors, int httpStatus,
      String httpMessage) {
    String codes = String.join(",", errors.stream().map(OperationError::code).toList());
    String messages = String.join("; ", errors.stream().map(OperationError::message).toList());
    Kind kind = classify(httpStatus, codes, messages);
    Optional<Quota> quota = errors.stream().map(OperationError::quota).flatMap(Optional::stream).findFirst();
    String status = httpStatus > 0 ? " (HTTP " + httpStatus + (httpMessage.isEmpty() ? "" : " " + httpMessage) + ")"
        : "";
    return new ComputeException(kind, "Could not " + what + ": " + codes + ": " + messages + status,
        kind == Kind.QUOTA ? quota : Optional.empty(), null);
  }

  /** Classifies an error by the codes and text Compute Engine uses; codes win over the HTTP status. */
  static Kind classify(int httpStatus, String codes, String message) {
    String all = (codes + " " + message).toUpperCase(Locale.ROOT);
    if (all.contains("ZONE_RESOURCE_POOL_EXHAUSTED") || all.contains("DOES NOT HAVE ENOUGH RESOURCES")
        || all.contains("STOCKOUT")) {
      return Kind.STOCKOUT;
    }
    if (all.contains("QUOTA")) {
      return Kind.QUOTA;
    }
    if (httpStatus == 404 || all.contains("NOT_FOUND") || all.contains("WAS NOT FOUND")) {
      return Kind.NOT_FOUND;
    }
    if (httpStatus == 401 || httpStatus == 403 || all.contains("PERMISSION")) {
      return Kind.PERMISSION;
    }
    if (httpStatus >= 500 || httpStatus == 429 || all.contains("DEADLINE_EXCEEDED") || all.contains("UNAVAILABLE")
        || all.contains("RATE_LIMIT_EXCEEDED") || all.contains("CONNECTION REFUSED")) {
      return Kind.TRANSIENT;
    }
    return Kind.OTHER;
  }
}
