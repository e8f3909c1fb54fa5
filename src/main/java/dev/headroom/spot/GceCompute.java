package dev.headroom.spot;

import com.google.api.core.ApiFuture;
import com.google.api.gax.core.FixedCredentialsProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.longrunning.OperationFuture;
import com.google.api.gax.longrunning.OperationSnapshot;
import com.google.api.gax.longrunning.OperationTimedPollAlgorithm;
import com.google.api.gax.retrying.RetrySettings;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.api.gax.rpc.UnaryCallSettings;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.compute.v1.AccessConfig;
import com.google.cloud.compute.v1.AttachedDisk;
import com.google.cloud.compute.v1.AttachedDiskInitializeParams;
import com.google.cloud.compute.v1.DeleteInstanceRequest;
import com.google.cloud.compute.v1.ErrorDetails;
import com.google.cloud.compute.v1.Errors;
import com.google.cloud.compute.v1.InsertInstanceRequest;
import com.google.cloud.compute.v1.GetGuestAttributesInstanceRequest;
import com.google.cloud.compute.v1.GuestAttributes;
import com.google.cloud.compute.v1.InstancesClient;
import com.google.cloud.compute.v1.InstancesSettings;
import com.google.cloud.compute.v1.Items;
import com.google.cloud.compute.v1.ListInstancesRequest;
import com.google.cloud.compute.v1.ListZoneOperationsRequest;
import com.google.cloud.compute.v1.Metadata;
import com.google.cloud.compute.v1.NetworkInterface;
import com.google.cloud.compute.v1.Operation;
import com.google.cloud.compute.v1.QuotaExceededInfo;
import com.google.cloud.compute.v1.Scheduling;
import com.google.cloud.compute.v1.ZoneOperationsClient;
import com.google.cloud.compute.v1.ZoneOperationsSettings;
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
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link Compute} on the real {@code google-cloud-compute} client (REST). With {@code gcp.computeEndpoint} set it
 * talks to that endpoint without credentials (emulators, private endpoints, tests); otherwise it uses Application
 * Default Credentials. The only class besides the catalog adapter that sees Google client types.
 *
 * <p>Inserts and deletes return the library's long-running {@code OperationFuture}, whose poller is the
 * ZoneOperations REST stub ({@code GET .../zones/{z}/operations/{op}} until {@code DONE}), timed by {@link Polling}.
 * A DONE operation that carries {@code error.errors[]} is a failure, in both of the shapes Compute Engine uses: without
 * {@code httpErrorStatusCode} the future returns the operation normally; with it (503 on stockouts, 403 on quota) the
 * future throws a generic ApiException that has lost the codes, so the failure is classified from the last polled
 * operation, read again by name if need be. Every REST call has its own deadline ({@link Polling#callDeadline()}).
 */
public final class GceCompute implements Compute {
  /** What {@link #preemptedAt} looks for in the zone's operations. */
  static final String PREEMPTED_OPERATION = "compute.instances.preempted";

  /**
   * How zone operations are polled, and how long one REST call may take.
   *
   * @param total how long one insert or delete operation may take as a whole
   * @param callDeadline how long one REST call (insert, get, list, delete, one operation poll) may take, retries
   *     of the client library included
   */
  public record Polling(Duration initial, Duration max, Duration total, Duration callDeadline) {
    /** One REST call: a hung endpoint holds a call this long, not the library's default 10 minutes. */
    public static final Duration CALL_DEADLINE = Duration.ofSeconds(60);
    /** What a real project needs: VM inserts take 10-60 s. */
    public static final Polling DEFAULT = new Polling(Duration.ofMillis(500), Duration.ofSeconds(5),
        Duration.ofMinutes(10), CALL_DEADLINE);

    /** Polling with the default {@link #CALL_DEADLINE}. */
    public Polling(Duration initial, Duration max, Duration total) {
      this(initial, max, total, CALL_DEADLINE);
    }
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
  private final ZoneOperationsClient operations;
  private final Polling polling;

  private GceCompute(String project, InstancesClient client, ZoneOperationsClient operations, Polling polling) {
    this.project = project;
    this.client = client;
    this.operations = operations;
    this.polling = polling;
  }

  /** Connects with the given polling; fails with the how-to-connect message when credentials are missing. */
  public static GceCompute connect(GcpSettings gcp, Polling polling) {
    if (!gcp.configured()) {
      throw new AppException(notConfiguredMessage());
    }
    InstancesSettings.Builder b = InstancesSettings.newBuilder();
    ZoneOperationsSettings.Builder ops = ZoneOperationsSettings.newBuilder();
    if (gcp.computeEndpoint() != null && !gcp.computeEndpoint().isBlank()) {
      b.setEndpoint(gcp.computeEndpoint()).setCredentialsProvider(NoCredentialsProvider.create());
      ops.setEndpoint(gcp.computeEndpoint()).setCredentialsProvider(NoCredentialsProvider.create());
    } else {
      try {
        FixedCredentialsProvider adc = FixedCredentialsProvider.create(GoogleCredentials.getApplicationDefault());
        b.setCredentialsProvider(adc);
        ops.setCredentialsProvider(adc);
      } catch (IOException e) {
        throw new AppException("Google Cloud is not connected: no Application Default Credentials were found ("
            + e.getMessage() + "). " + howToConnect(), e);
      }
    }
    // One REST call, the library's own retries included, ends at the call deadline (its default is 10 minutes).
    RetrySettings call = RetrySettings.newBuilder()
        .setInitialRetryDelayDuration(Duration.ofMillis(100))
        .setRetryDelayMultiplier(2.0)
        .setMaxRetryDelayDuration(Duration.ofSeconds(2))
        .setInitialRpcTimeoutDuration(polling.callDeadline())
        .setRpcTimeoutMultiplier(1.0)
        .setMaxRpcTimeoutDuration(polling.callDeadline())
        .setTotalTimeoutDuration(polling.callDeadline())
        .build();
    b.getSettings().setRetrySettings(call);
    b.getGuestAttributesSettings().setRetrySettings(call);
    b.listSettings().setRetrySettings(call);
    b.insertSettings().setRetrySettings(call);
    b.deleteSettings().setRetrySettings(call);
    // An insert or delete starts with its own initial call (not insertSettings()): the same deadline, and no retry
    // by the library (Headroom retries it with the same requestId and says so in the timeline).
    b.insertOperationSettings().setInitialCallSettings(UnaryCallSettings
        .<InsertInstanceRequest, OperationSnapshot>newUnaryCallSettingsBuilder()
        .setRetryableCodes(java.util.Set.of()).setRetrySettings(call).build());
    b.deleteOperationSettings().setInitialCallSettings(UnaryCallSettings
        .<DeleteInstanceRequest, OperationSnapshot>newUnaryCallSettingsBuilder()
        .setRetryableCodes(java.util.Set.of()).setRetrySettings(call).build());
    ops.getSettings().setRetrySettings(call);
    ops.listSettings().setRetrySettings(call);
    RetrySettings poll = RetrySettings.newBuilder()
        .setInitialRetryDelayDuration(polling.initial())
        .setRetryDelayMultiplier(1.5)
        .setMaxRetryDelayDuration(polling.max())
        .setInitialRpcTimeoutDuration(polling.callDeadline())
        .setRpcTimeoutMultiplier(1.0)
        .setMaxRpcTimeoutDuration(polling.callDeadline())
        .setTotalTimeoutDuration(polling.total())
        .build();
    b.insertOperationSettings().setPollingAlgorithm(OperationTimedPollAlgorithm.create(poll));
    b.deleteOperationSettings().setPollingAlgorithm(OperationTimedPollAlgorithm.create(poll));
    InstancesClient instances = null;
    try {
      instances = InstancesClient.create(b.build());
      return new GceCompute(gcp.project(), instances, ZoneOperationsClient.create(ops.build()), polling);
    } catch (IOException e) {
      if (instances != null) {
        instances.close();
      }
      throw new AppException("Cannot create the Compute Engine client: " + e.getMessage(), e);
    }
  }

  @Override
  public void create(VmSpec spec, String requestId) {
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
    InsertInstanceRequest request = InsertInstanceRequest.newBuilder().setProject(project).setZone(spec.zone())
        .setInstanceResource(instance).setRequestId(requestId).build();
    String what = "create " + spec.name() + " in " + spec.zone();
    failOnOperationError(await(client.insertAsync(request), spec.zone(), what), what);
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
  public void delete(String zone, String name, String requestId) {
    DeleteInstanceRequest request = DeleteInstanceRequest.newBuilder().setProject(project).setZone(zone)
        .setInstance(name).setRequestId(requestId).build();
    try {
      Operation op = await(client.deleteAsync(request), zone, "delete " + name);
      failOnOperationError(op, "delete " + name);
    } catch (ComputeException e) {
      if (e.kind() != ComputeException.Kind.NOT_FOUND) {
        throw e;
      }
    }
  }

  @Override
  public Optional<Instant> preemptedAt(String zone, String name) {
    ListZoneOperationsRequest req = ListZoneOperationsRequest.newBuilder().setProject(project).setZone(zone)
        .setFilter("operationType=\"" + PREEMPTED_OPERATION + "\"").build();
    Optional<Instant> latest = Optional.empty();
    try {
      for (Operation op : operations.list(req).iterateAll()) {
        if (!op.getOperationType().equals(PREEMPTED_OPERATION) || !lastSegment(op.getTargetLink()).equals(name)) {
          continue;
        }
        Optional<Instant> at = timestamp(op.getEndTime()).or(() -> timestamp(op.getStartTime()))
            .or(() -> timestamp(op.getInsertTime()));
        if (at.isPresent() && (latest.isEmpty() || at.get().isAfter(latest.get()))) {
          latest = at;
        }
      }
    } catch (ApiException e) {
      throw wrap(e, "list the operations of " + zone);
    }
    return latest;
  }

  @Override
  public Optional<List<GuestAttribute>> guestAttributes(String zone, String name, String queryPath) {
    GuestAttributes got;
    try {
      got = client.getGuestAttributes(GetGuestAttributesInstanceRequest.newBuilder().setProject(project)
          .setZone(zone).setInstance(name).setQueryPath(queryPath).build());
    } catch (ApiException e) {
      // Until the guest publishes the path: 404 "The resource 'hostkeys/' of type 'Guest Attribute' was not found."
      if (e.getStatusCode().getCode().getHttpStatusCode() == 404 && causeText(e).contains("Guest Attribute")) {
        return Optional.empty();
      }
      throw wrap(e, "read the guest attributes " + queryPath + " of " + name + " in " + zone);
    }
    return Optional.of(got.getQueryValue().getItemsList().stream()
        .map(i -> new GuestAttribute(i.getNamespace(), i.getKey(), i.getValue())).toList());
  }

  @Override
  public void close() {
    try {
      client.close();
    } finally {
      operations.close();
    }
  }

  private Operation await(OperationFuture<Operation, Operation> future, String zone, String what) {
    long limitMs = polling.total().plus(polling.callDeadline()).toMillis(); // the poller's own limit comes first
    try {
      return future.get(limitMs, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      // With httpErrorStatusCode set, the failure has lost error.errors[]: read them from the operation itself.
      Optional<Operation> failed = lastPolled(future, zone).filter(op -> op.getStatus() == Operation.Status.DONE
          && op.hasError() && op.getError().getErrorsCount() > 0);
      if (failed.isPresent()) {
        return failed.get();
      }
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof ApiException api) {
        throw wrap(api, what);
      }
      throw new ComputeException(ComputeException.Kind.OTHER, "Could not " + what + ": "
          + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()), e);
    } catch (ApiException e) {
      throw wrap(e, what);
    } catch (TimeoutException | CancellationException e) {
      // CancellationException: the poller gave up at Polling.total with the operation still running.
      future.cancel(true);
      throw new ComputeException(ComputeException.Kind.TRANSIENT, "Compute Engine did not finish the operation to "
          + what + " within " + Retry.seconds(polling.total()) + " (it may still finish)", e);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new ComputeException(ComputeException.Kind.OTHER, "Interrupted while waiting to " + what, e);
    }
  }

  /** The operation as last polled, or read again by name; empty when neither is possible. */
  private Optional<Operation> lastPolled(OperationFuture<Operation, Operation> future, String zone) {
    try {
      ApiFuture<Operation> peeked = future.peekMetadata();
      if (peeked != null && peeked.isDone() && peeked.get().getStatus() == Operation.Status.DONE) {
        return Optional.of(peeked.get());
      }
    } catch (ExecutionException | CancellationException e) {
      // fall through to reading it by name
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
    try {
      ApiFuture<OperationSnapshot> initial = future.getInitialFuture();
      if (!initial.isDone()) {
        return Optional.empty();
      }
      return Optional.of(operations.get(project, zone, initial.get().getName()));
    } catch (ExecutionException | CancellationException | ApiException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  // A DONE operation can carry errors without an HTTP error status: get() then returns normally.
  private static void failOnOperationError(Operation op, String what) {
    if (!op.hasError() || op.getError().getErrorsCount() == 0) {
      return;
    }
    List<ComputeException.OperationError> errors = op.getError().getErrorsList().stream()
        .map(e -> new ComputeException.OperationError(e.getCode(), e.getMessage(), quota(e))).toList();
    throw ComputeException.fromOperation(what, errors, op.getHttpErrorStatusCode(), op.getHttpErrorMessage());
  }

  /** The quota of one operation error: its message names it; {@code errorDetails[].quotaInfo} adds the metric. */
  private static Optional<ComputeException.Quota> quota(Errors e) {
    Optional<ComputeException.Quota> fromText = ComputeException.Quota.parse(e.getMessage());
    Optional<QuotaExceededInfo> info = e.getErrorDetailsList().stream().filter(ErrorDetails::hasQuotaInfo)
        .map(ErrorDetails::getQuotaInfo).findFirst();
    if (info.isEmpty()) {
      return fromText;
    }
    QuotaExceededInfo q = info.get();
    String region = q.getDimensionsMap().getOrDefault("region", q.getDimensionsMap().getOrDefault("zone", ""));
    String limit = ComputeException.Quota.trimZeros(java.math.BigDecimal.valueOf(q.getLimit()).toPlainString());
    return Optional.of(new ComputeException.Quota(
        fromText.map(ComputeException.Quota::name).orElse(q.getLimitName()),
        fromText.map(ComputeException.Quota::limit).orElse(limit),
        fromText.map(ComputeException.Quota::region).filter(r -> !r.isEmpty()).orElse(region),
        q.getMetricName()));
  }

  private static ComputeException wrap(ApiException e, String what) {
    int status = e.getStatusCode().getCode().getHttpStatusCode();
    String reason = e.getReason() == null ? "" : e.getReason();
    // Over REST the ApiException says only "Forbidden"; Compute Engine's own message is in the cause's JSON body.
    String detail = errorMessage(e).orElse(String.valueOf(e.getMessage()));
    ComputeException.Kind kind = ComputeException.classify(status, reason + " " + causeText(e),
        detail + " " + e.getStatusCode().getCode());
    String msg = "Could not " + what + ": " + detail;
    if (kind == ComputeException.Kind.PERMISSION) {
      msg += ". " + howToConnect();
    } else if (e.getStatusCode().getCode() == StatusCode.Code.DEADLINE_EXCEEDED) {
      msg = "Could not " + what + ": Compute Engine did not answer before the call deadline";
    } else if (kind == ComputeException.Kind.TRANSIENT) {
      msg += " (" + e.getStatusCode().getCode() + ")";
    }
    return new ComputeException(kind, msg, kind == ComputeException.Kind.QUOTA ? ComputeException.Quota.parse(detail)
        : Optional.empty(), e);
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
        i.getStatus(), ip, i.getLabelsMap(), timestamp(i.getLastStartTimestamp()), maxRun,
        timestamp(i.getLastStopTimestamp()));
  }

  // Zones, machine types and targets come back as full URLs; Headroom speaks short names.
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
