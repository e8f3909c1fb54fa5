package dev.headroom.spot;

import dev.headroom.core.AppException;

/** A Compute Engine call failed; {@link #kind()} says whether another zone may help. */
public final class ComputeException extends AppException {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Kind {
    /** The zone has no capacity for the shape (ZONE_RESOURCE_POOL_EXHAUSTED): try the next zone. */
    STOCKOUT,
    /** A quota was exceeded: try the next zone, and tell the user which quota. */
    QUOTA,
    /** The resource does not exist. */
    NOT_FOUND,
    /** Credentials missing, expired or without permission. */
    PERMISSION,
    OTHER
  }

  private final Kind kind;

  public ComputeException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  /** Classifies an error by the codes and text Compute Engine uses. */
  static Kind classify(int httpStatus, String codes, String message) {
    String all = (codes + " " + message).toUpperCase(java.util.Locale.ROOT);
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
    return Kind.OTHER;
  }
}
