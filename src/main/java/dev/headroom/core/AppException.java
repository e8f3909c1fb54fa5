package dev.headroom.core;

/**
 * The one application exception: carries a message meant for the user (shown in the UI, printed by the CLI)
 * and the technical cause for the log.
 *
 * <pre>{@code
 * try { client.insert(...); } catch (ApiException e) { throw new AppException("Quota exceeded in us-central1-a", e); }
 * }</pre>
 */
public class AppException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public AppException(String userMessage) {
    super(userMessage);
  }

  public AppException(String userMessage, Throwable cause) {
    super(userMessage, cause);
  }

  /** The sentence to show a person. */
  public String userMessage() {
    return getMessage();
  }
}
