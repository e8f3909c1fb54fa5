package dev.headroom.spot;

/**
 * Whether Headroom can reach Google Cloud, and if not, exactly how to connect.
 *
 * @param message empty when connected or not yet checked; the how-to-connect text when NOT_CONNECTED
 */
public record CloudStatus(State state, String message) {

  /** Connection state of the Compute Engine client. */
  public enum State {
    /** The client exists: credentials were found for the configured project. */
    CONNECTED,
    /** No project set, or no Application Default Credentials: cloud actions fail with {@link #message()}. */
    NOT_CONNECTED,
    /** A project is set but the client has not been created yet (it is created lazily, off the UI thread). */
    NOT_CHECKED
  }

  static final CloudStatus CONNECTED = new CloudStatus(State.CONNECTED, "");
  static final CloudStatus NOT_CHECKED = new CloudStatus(State.NOT_CHECKED, "");

  static CloudStatus notConnected(String howToConnect) {
    return new CloudStatus(State.NOT_CONNECTED, howToConnect);
  }

  public boolean connected() {
    return state == State.CONNECTED;
  }
}
