package dev.headroom.billing;

import dev.headroom.core.AppException;

/** A billing read that failed, with a sentence for the user saying what to do; {@link #kind} for tests and the UI. */
public final class BillingException extends AppException {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Kind { NOT_CONFIGURED, TABLE_NOT_FOUND, PERMISSION_DENIED, INVALID_QUERY, UNREACHABLE, NOT_CONNECTED, OTHER }

  private final Kind kind;

  public BillingException(Kind kind, String userMessage) {
    super(userMessage);
    this.kind = kind;
  }

  public BillingException(Kind kind, String userMessage, Throwable cause) {
    super(userMessage, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
