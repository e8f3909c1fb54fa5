package dev.headroom.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.gateway.LoopbackServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlServerTest {
  @TempDir Path dataDir;
  private final List<List<String>> ran = new CopyOnWriteArrayList<>();
  private final AtomicInteger shown = new AtomicInteger();
  private ControlServer server;
  private LoopbackServer loopback;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  /** A runner that behaves like a verb: JSON on stdout, a notice on stderr, a partial last line, exit code 3. */
  private int fakeVerb(List<String> args, PrintStream o, PrintStream e) {
    ran.add(args);
    o.println("{");
    o.println("  \"args\" : \"" + String.join(" ", args) + "\"");
    o.println("}");
    e.println("headroom: showing stored state only.");
    o.print("no newline");
    return 3;
  }

  private InstanceFile start(Optional<Runnable> show) {
    server = new ControlServer(dataDir, "9.9.9", this::fakeVerb, Set.of("status", "vm"), show, new SecureRandom());
    loopback = new LoopbackServer(0);
    ControlServer.PATHS.forEach(p -> loopback.mount(p, server.handler()));
    loopback.start();
    server.publish(loopback.port());
    return InstanceFile.read(dataDir).orElseThrow();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (loopback != null) {
      loopback.close();
    }
  }

  private static HttpResponse<String> post(int port, String path, Optional<String> token, String origin,
      String contentType, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
    token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
    if (origin != null) {
      b.header("Origin", origin);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theInstanceFileIsUserOnlyAndNamesPortPidAndToken() throws Exception {
    InstanceFile f = start(Optional.empty());

    assertThat(f.pid()).isEqualTo(ProcessHandle.current().pid());
    assertThat(f.version()).isEqualTo("9.9.9");
    assertThat(f.token()).hasSizeGreaterThanOrEqualTo(43); // 256 bits, base64url
    if (InstanceFile.posix()) {
      assertThat(Files.getPosixFilePermissions(InstanceFile.path(dataDir)))
          .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }
    assertThat(f.toString()).doesNotContain(f.token());
  }

  @Test
  void aVerbRunsRemotelyWithItsStdoutStderrAndExitCodeReplayedApart() {
    InstanceFile f = start(Optional.empty());

    OptionalInt code = new ControlClient(f).run(List.of("vm", "list", "--json"),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(code).hasValue(3);
    assertThat(ran).containsExactly(List.of("vm", "list", "--json"));
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("{\n  \"args\" : \"vm list --json\"\n}\nno newline");
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("headroom: showing stored state only.\n");
  }

  @Test
  void requestsWithoutTheRightTokenAreRefusedAndRunNothing() throws Exception {
    InstanceFile f = start(Optional.empty());
    String body = "{\"args\":[\"status\"]}";

    HttpResponse<String> none = post(f.port(), "/control/run", Optional.empty(), null, "application/json", body);
    HttpResponse<String> wrong = post(f.port(), "/control/run", Optional.of(f.token().substring(1) + "A"), null,
        "application/json", body);
    HttpResponse<String> prefix = post(f.port(), "/control/run", Optional.of(f.token().substring(0, 10)), null,
        "application/json", body);

    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(prefix.statusCode()).isEqualTo(401);
    assertThat(none.body()).doesNotContain(f.token());
    assertThat(ran).isEmpty();
  }

  @Test
  void aWebPageCannotDriveIt() throws Exception {
    InstanceFile f = start(Optional.empty());

    HttpResponse<String> fromPage = post(f.port(), "/control/run", Optional.of(f.token()), "http://evil.example",
        "application/json", "{\"args\":[\"status\"]}");
    HttpResponse<String> formPost = post(f.port(), "/control/run", Optional.of(f.token()), null,
        "text/plain", "{\"args\":[\"status\"]}");

    assertThat(fromPage.statusCode()).isEqualTo(403);
    assertThat(formPost.statusCode()).isEqualTo(415);
    assertThat(ran).isEmpty();
  }

  @Test
  void onlyTheListedVerbsRunAndBadBodiesAreRefused() throws Exception {
    InstanceFile f = start(Optional.empty());
    Optional<String> t = Optional.of(f.token());

    assertThat(post(f.port(), "/control/run", t, null, "application/json", "{\"args\":[\"--headless\"]}")
        .statusCode()).isEqualTo(400);
    assertThat(post(f.port(), "/control/run", t, null, "application/json", "{\"args\":[1,2]}").statusCode())
        .isEqualTo(400);
    assertThat(post(f.port(), "/control/run", t, null, "application/json", "not json").statusCode())
        .isEqualTo(400);
    // Not a control path: the loopback server answers it (the control API only serves its exact paths).
    assertThat(post(f.port(), "/control/nope", t, null, "application/json", "{}").statusCode()).isBetween(400, 499);
    assertThat(ran).isEmpty();
  }

  @Test
  void showBringsUpTheDashboardOrSaysHeadless() {
    InstanceFile gui = start(Optional.of(shown::incrementAndGet));
    assertThat(new ControlClient(gui).show()).isEqualTo(ControlClient.Shown.SHOWN);
    assertThat(shown).hasValue(1);
    server.close();
    loopback.close();

    InstanceFile headless = start(Optional.empty());
    assertThat(new ControlClient(headless).show()).isEqualTo(ControlClient.Shown.HEADLESS);
    assertThat(shown).hasValue(1);
  }

  @Test
  void closingRemovesTheFileAndAStaleFileIsIgnored() throws Exception {
    InstanceFile f = start(Optional.empty());
    server.close();
    server = null;
    loopback.close();
    loopback = null;

    assertThat(InstanceFile.path(dataDir)).doesNotExist();
    // A crashed instance leaves its file behind: a dead pid is not an instance.
    new InstanceFile(deadPid(), f.port(), f.token(), "1").write(dataDir);
    assertThat(InstanceFile.read(dataDir)).isEmpty();
    // A live pid whose port no longer answers: the client reports "unreachable" so the CLI runs locally.
    new InstanceFile(ProcessHandle.current().pid(), f.port(), f.token(), "1").write(dataDir);
    assertThat(new ControlClient(InstanceFile.read(dataDir).orElseThrow()).run(List.of("status"),
        new PrintStream(out), new PrintStream(err))).isEmpty();
    assertThat(out.size() + err.size()).isZero();
  }

  private static long deadPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    return p.pid();
  }
}
