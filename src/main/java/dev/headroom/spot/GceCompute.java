package dev.headroom.spot;

import com.google.api.gax.core.FixedCredentialsProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.longrunning.OperationTimedPollAlgorithm;
import com.google.api.gax.retrying.RetrySettings;
import com.google.api.gax.rpc.ApiException;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.compute.v1.AccessConfig;
import com.google.cloud.compute.v1.AttachedDisk;
import com.google.cloud.compute.v1.AttachedDiskInitializeParams;
import com.google.cloud.compute.v1.InstancesClient;
import com.google.cloud.compute.v1.InstancesSettings;
import com.google.cloud.compute.v1.Items;
import com.google.cloud.compute.v1.ListInstancesRequest;
import com.google.cloud.compute.v1.Metadata;
import com.google.cloud.compute.v1.NetworkInterface;
import com.google.cloud.compute.v1.Operation;
import com.google.cloud.compute.v1.Scheduling;
import dev.headroom.config.AppPaths;
import dev.headroom.config.GcpSettings;
import dev.headroom.core.AppException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * {@link Compute} on the real {@code google-cloud-compute} client (REST). With {@code gcp.computeEndpoint} set it
 * talks to that endpoint without credentials (emulators, private endpoints, tests); otherwise it uses Application
 * Default Credentials. The only class besides the catalog adapter that sees Google client types.
 *
 * <p>Inserts and deletes return the library's long-running {@code OperationFuture}, whose poller is the
 * ZoneOperations REST stub ({@code GET .../zones/{z}/operations/{op}} until {@code DONE}), timed by {@link Polling}.
 * A DONE operation that carries {@code error.errors[]} is a failure even without an HTTP error status.
 */
public final class GceCompute implements Compute {
  /** How zone operations are polled. */
  public record Polling(Duration initial, Duration max, Duration total) {
    /** What a real project needs: VM inserts take 10-60 s. */
    public static final Polling DEFAULT = new Polling(Duration.ofMillis(500), Duration.ofSeconds(5),
        Duration.ofMinutes(10));
  }

  /**
   * What a person must do to connect Headroom to Google Cloud: which setting, which command, which IAM roles.
   * Names the actual config file of this machine.
   */
  public static String howToConnect() {
    return "Set gcp.project in " + AppPaths.standard(System.getenv()).configFile()
        + " (or the HEADROOM_GCP_PROJECT environment variable), then run: gcloud auth application-default login"
        + " (or set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file). The account needs"
        + " roles/compute.instanceAdmin.v1 on the project (plus roles/iam.serviceAccountUser if the VM runs as a"
        + " service account).";
  }

  /** The message when {@code gcp.project} is empty. */
  public static String notConfiguredMessage() {
    return "Google Cloud is not connected: no project is set. " + howToConnect();
  }

  private final String project;
  private final InstancesClient client;
  private final Polling polling;

  private GceCompute(String project, InstancesClient client, Polling polling) {
    this.project = project;
    this.client = client;
    this.polling = polling;
  }

  /** Connects with the given polling; fails with the how-to-connect message when credentials are missing. */
  public static GceCompute connect(GcpSettings gcp, Polling polling) {
    if (!gcp.configured()) {
      throw new AppException(notConfiguredMessage());
    }
    InstancesSettings.Builder b = InstancesSettings.newBuilder();
    if (gcp.computeEndpoint() != null && !gcp.computeEndpoint().isBlank()) {
      b.setEndpoint(gcp.computeEndpoint()).setCredentialsProvider(NoCredentialsProvider.create());
    } else {
      try {
        b.setCredentialsProvider(FixedCredentialsProvider.create(GoogleCredentials.getApplicationDefault()));
      } catch (IOException e) {
        throw new AppException("Google Cloud is not connected: no Application Default Credentials were found ("
            + e.getMessage() + "). " + howToConnect(), e);
      }
    }
    RetrySettings poll = RetrySettings.newBuilder()
        .setInitialRetryDelayDuration(polling.initial())
        .setRetryDelayMultiplier(1.5)
        .setMaxRetryDelayDuration(polling.max())
        .setInitialRpcTimeoutDuration(Duration.ofSeconds(30))
        .setRpcTimeoutMultiplier(1.0)
        .setMaxRpcTimeoutDuration(Duration.ofSeconds(30))
        .setTotalTimeoutDuration(polling.total())
        .build();
    b.insertOperationSettings().setPollingAlgorithm(OperationTimedPollAlgorithm.create(poll));
    b.deleteOperationSettings().setPollingAlgorithm(OperationTimedPollAlgorithm.create(poll));
    try {
      return new GceCompute(gcp.project(), InstancesClient.create(b.build()), polling);
    } catch (IOException e) {
      throw new AppException("Cannot create the Compute Engine client: " + e.getMessage(), e);
    }
  }

  @Override
  public void create(VmSpec spec) {
    com.google.cloud.compute.v1.Instance instance = com.google.cloud.compute.v1.Instance.newBuilder()
        .setName(spec.name())
        .setMachineType("zones/" + spec.zone() + "/machineTypes/" + spec.machineType())
        .setScheduling(Scheduling.newBuilder()
            .setProvisioningModel(Scheduling.ProvisioningModel.SPOT.name())
            .setInstanceTerminationAction(Scheduling.InstanceTerminationAction.DELETE.name())
            .setMaxRunDuration(com.google.cloud.compute.v1.Duration.newBuilder()
                .setSeconds(spec.maxRunDuration().toSeconds()))
            .setAutomaticRestart(false)
            .setOnHostMaintenance(Scheduling.OnHostMaintenance.TERMINATE.name()))
        .addDisks(AttachedDisk.newBuilder()
            .setBoot(true)
            .setAutoDelete(true)
            .setType(AttachedDisk.Type.PERSISTENT.name())
            .setInitializeParams(AttachedDiskInitializeParams.newBuilder()
                .setSourceImage("projects/" + spec.imageProject() + "/global/images/family/" + spec.imageFamily())
                .setDiskSizeGb(spec.diskSizeGb())
                .setDiskType("zones/" + spec.zone() + "/diskTypes/" + spec.diskType())))
        .addNetworkInterfaces(NetworkInterface.newBuilder()
            .setNetwork(spec.network())
            .addAccessConfigs(AccessConfig.newBuilder()
                .setName("External NAT")
                .setType(AccessConfig.Type.ONE_TO_ONE_NAT.name())))
        .setMetadata(metadata(spec))
        .putAllLabels(spec.labels())
        .build();
    Operation op = await(() -> client.insertAsync(project, spec.zone(), instance).get(
        polling.total().toMillis() + 5_000, TimeUnit.MILLISECONDS), "create " + spec.name() + " in " + spec.zone());
    failOnOperationError(op, "create " + spec.name() + " in " + spec.zone());
  }

  private static Metadata metadata(VmSpec spec) {
    Metadata.Builder m = Metadata.newBuilder()
        .addItems(Items.newBuilder().setKey("startup-script").setValue(spec.startupScript()));
    new java.util.TreeMap<>(spec.metadata()).forEach((k, v) -> m.addItems(Items.newBuilder().setKey(k).setValue(v)));
    return m.build();
  }

  @Override
  public Optional<Compute.Instance> get(String zone, String name) {
    try {
      return Optional.of(toInstance(client.get(project, zone, name)));
    } catch (ApiException e) {
      if (e.getStatusCode().getCode().getHttpStatusCode() == 404) {
        return Optional.empty();
      }
      throw wrap(e, "read " + name + " in " + zone);
    }
  }

  @Override
  public List<Compute.Instance> list(List<String> zones, String labelKey, String labelValue) {
    List<Compute.Instance> out = new ArrayList<>();
    for (String zone : zones) {
      ListInstancesRequest req = ListInstancesRequest.newBuilder().setProject(project).setZone(zone)
          .setFilter("labels." + labelKey + "=" + labelValue).build();
      try {
        for (com.google.cloud.compute.v1.Instance i : client.list(req).iterateAll()) {
          out.add(toInstance(i));
        }
      } catch (ApiException e) {
        throw wrap(e, "list instances in " + zone);
      }
    }
    return out;
  }

  @Override
  public void delete(String zone, String name) {
    try {
      Operation op = await(() -> client.deleteAsync(project, zone, name).get(
          polling.total().toMillis() + 5_000, TimeUnit.MILLISECONDS), "delete " + name);
      failOnOperationError(op, "delete " + name);
    } catch (ComputeException e) {
      if (e.kind() != ComputeException.Kind.NOT_FOUND) {
        throw e;
      }
    }
  }

  @Override
  public void close() {
    client.close();
  }

  private interface Call {
    Operation run() throws InterruptedException, ExecutionException, TimeoutException;
  }

  private static Operation await(Call call, String what) {
    try {
      return call.run();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof ApiException api) {
        throw wrap(api, what);
      }
      throw new ComputeException(ComputeException.Kind.OTHER, "Could not " + what + ": "
          + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()), e);
    } catch (ApiException e) {
      throw wrap(e, what);
    } catch (TimeoutException e) {
      throw new ComputeException(ComputeException.Kind.OTHER, "Timed out waiting to " + what, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ComputeException(ComputeException.Kind.OTHER, "Interrupted while waiting to " + what, e);
    }
  }

  // A DONE operation can carry errors without an HTTP error status: get() then returns normally.
  private static void failOnOperationError(Operation op, String what) {
    if (!op.hasError() || op.getError().getErrorsCount() == 0) {
      return;
    }
    String codes = op.getError().getErrorsList().stream().map(e -> e.getCode()).collect(Collectors.joining(","));
    String messages = op.getError().getErrorsList().stream().map(e -> e.getMessage())
        .collect(Collectors.joining("; "));
    ComputeException.Kind kind = ComputeException.classify(op.getHttpErrorStatusCode(), codes, messages);
    throw new ComputeException(kind, "Could not " + what + ": " + codes + ": " + messages, null);
  }

  private static ComputeException wrap(ApiException e, String what) {
    int status = e.getStatusCode().getCode().getHttpStatusCode();
    String reason = e.getReason() == null ? "" : e.getReason();
    // Over REST the ApiException says only "Forbidden"; Compute Engine's own message is in the cause's JSON body.
    String detail = errorMessage(e).orElse(String.valueOf(e.getMessage()));
    ComputeException.Kind kind = ComputeException.classify(status, reason + " " + causeText(e), detail);
    String msg = "Could not " + what + ": " + detail;
    if (kind == ComputeException.Kind.PERMISSION) {
      msg += ". " + howToConnect();
    }
    return new ComputeException(kind, msg, e);
  }

  private static String causeText(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null && b.length() < 10_000; t = t.getCause()) {
      b.append(t.getMessage()).append('\n');
    }
    return b.toString();
  }

  /** The "message" of the JSON error body carried in the cause chain, if any. */
  private static Optional<String> errorMessage(Throwable e) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"")
        .matcher(causeText(e));
    return m.find() ? Optional.of(m.group(1).replace("\\\"", "\"")) : Optional.empty();
  }

  private static Compute.Instance toInstance(com.google.cloud.compute.v1.Instance i) {
    String ip = i.getNetworkInterfacesList().stream()
        .flatMap(n -> n.getAccessConfigsList().stream())
        .map(AccessConfig::getNatIP).filter(s -> !s.isEmpty()).findFirst().orElse("");
    Optional<Duration> maxRun = i.hasScheduling() && i.getScheduling().hasMaxRunDuration()
        ? Optional.of(Duration.ofSeconds(i.getScheduling().getMaxRunDuration().getSeconds()))
        : Optional.empty();
    return new Compute.Instance(i.getName(), lastSegment(i.getZone()), lastSegment(i.getMachineType()),
        i.getStatus(), ip, i.getLabelsMap(), timestamp(i.getLastStartTimestamp()), maxRun);
  }

  // Zones and machine types come back as full URLs; Headroom speaks short names.
  private static String lastSegment(String urlOrName) {
    return urlOrName.substring(urlOrName.lastIndexOf('/') + 1);
  }

  /** Compute Engine timestamps are RFC 3339 with an offset ({@code 2026-11-23T10:00:00.000-08:00}). */
  static Optional<Instant> timestamp(String rfc3339) {
    if (rfc3339 == null || rfc3339.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(OffsetDateTime.parse(rfc3339).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
