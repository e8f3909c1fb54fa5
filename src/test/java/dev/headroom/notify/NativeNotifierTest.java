package dev.headroom.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.notify.Notification.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeNotifierTest {
  private static final Notification BUDGET = new Notification(Kind.BUDGET, "-Daily budget exceeded",
      "$10.38 of $10.00 spent (103.8 %). `rm -rf` \"$HOME\"", true);

  @Test
  void notifySendGetsTitleAndBodyAsPlainArgumentsAfterTheOptions() {
    NativeNotifier n = new NativeNotifier(NativeNotifier.Tool.NOTIFY_SEND, Path.of("/usr/bin/notify-send"),
        Optional.of(Path.of("/opt/headroom/lib/Headroom.png")), Runnable::run);

    assertThat(n.command(BUDGET)).containsExactly("/usr/bin/notify-send", "--app-name=Headroom",
        "--urgency=critical", "--category=transfer", "--icon=/opt/headroom/lib/Headroom.png", "--",
        "-Daily budget exceeded", "$10.38 of $10.00 spent (103.8 %). `rm -rf` \"$HOME\"");
  }

  @Test
  void osascriptReadsTheTextFromArgvNotFromTheScript() {
    NativeNotifier n = new NativeNotifier(NativeNotifier.Tool.OSASCRIPT, Path.of("/usr/bin/osascript"),
        Optional.empty(), Runnable::run);

    var cmd = n.command(BUDGET);
    assertThat(cmd.subList(cmd.size() - 2, cmd.size())).containsExactly(BUDGET.title(), BUDGET.body());
    assertThat(String.join(" ", cmd.subList(0, cmd.size() - 2))).doesNotContain("10.38");
  }

  @Test
  void theToolIsFoundOnThePath(@TempDir Path dir) throws Exception {
    Path tool = Files.createFile(dir.resolve("notify-send"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    assertThat(NativeNotifier.onPath("notify-send", "/nonexistent:" + dir)).hasValue(tool);
    assertThat(NativeNotifier.onPath("notify-send", "/nonexistent")).isEmpty();
  }
}
