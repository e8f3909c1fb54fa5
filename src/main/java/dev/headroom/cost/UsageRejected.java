package dev.headroom.cost;

import dev.headroom.core.AppException;

/** A usage event refused before anything was stored; {@link #field()} names the offending field. */
public final class UsageRejected extends AppException {
  private static final long serialVersionUID = 1L;
  private final String field;

  public UsageRejected(String field, String why) {
    super("Invalid usage event: '" + field + "' " + why);
    this.field = field;
  }

  /** The field as the client sent it, with the array index when there was one ({@code [2].model}). */
  public String field() {
    return field;
  }
}
