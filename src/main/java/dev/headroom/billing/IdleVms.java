package dev.headroom.billing;

import java.util.List;

/** The port to idle-VM recommendations. {@link RecommenderIdleVms} asks the Recommender API. */
public interface IdleVms extends AutoCloseable {

  /** Active idle-VM recommendations of {@code project} in {@code zone}. */
  List<IdleVm> list(String project, String zone);

  @Override
  void close();
}
