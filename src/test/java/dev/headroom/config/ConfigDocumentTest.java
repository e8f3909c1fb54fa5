package dev.headroom.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.headroom.core.AppException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigDocumentTest {
  @TempDir Path dir;

  @Test
  void aBadRouteIsReportedAtItsIndexedField() throws Exception {
    Path file = dir.resolve("config.json");
    Files.writeString(file, "{\"gateway\": {\"routes\": [{\"name\": \"a\", \"pathPrefix\": \"/a/\", \"policy\": "
        + "\"LOCAL_ONLY\", \"localUrl\": \"ftp://x\", \"kind\": \"GENERIC\"}]}}");
    ConfigDocument doc = ConfigDocument.read(file);
    assertThat(doc.validate()).get().extracting(ConfigDocument.FieldError::field)
        .isEqualTo("gateway.routes[0].localUrl");
  }

  @Test
  void aWrongTypeNamesTheField() {
    ConfigDocument doc = ConfigDocument.empty();
    doc.set("memory.sustainedSeconds", JsonNodeFactory.instance.textNode("soon"));
    assertThat(doc.validate()).get().extracting(ConfigDocument.FieldError::field)
        .isEqualTo("memory.sustainedSeconds");
  }

  @Test
  void theLoadersMessageParsesToTheSameField() throws Exception {
    Path file = dir.resolve("config.json");
    Files.writeString(file, "{\"cost\": {\"dailyBudgetUsd\": -1}}");
    assertThatThrownBy(() -> new SettingsLoader().load(file, java.util.Map.of()))
        .isInstanceOfSatisfying(AppException.class, e ->
            assertThat(ConfigDocument.fieldError(e).field()).isEqualTo("cost.dailyBudgetUsd"));
  }

  @Test
  void anInvalidDocumentIsNotWritten() throws Exception {
    Path file = dir.resolve("config.json");
    ConfigDocument doc = ConfigDocument.empty();
    doc.set("memory.thresholdPercent", JsonNodeFactory.instance.numberNode(150));
    assertThatThrownBy(() -> doc.save(file)).isInstanceOf(AppException.class);
    assertThat(file).doesNotExist();
  }

  @Test
  void notJsonIsAClearError() throws Exception {
    Path file = dir.resolve("config.json");
    Files.writeString(file, "{ memory: ");
    assertThatThrownBy(() -> ConfigDocument.read(file)).isInstanceOf(AppException.class)
        .hasMessageContaining("not valid JSON (line 1");
  }
}
