package dev.headroom.cost;

import dev.headroom.core.AppException;

/** The usage store could not make events durable (disk full, I/O error, closed): nothing was acknowledged. */
public final class StoreUnavailable extends AppException {
  private static final long serialVersionUID = 1L;

  public StoreUnavailable(String userMessage, Throwable cause) {
    super(userMessage, cause);
  }
}
