package dev.headroom.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.config.CostSettings;
import dev.headroom.config.GatewaySettings;
import dev.headroom.config.GatewaySettings.RouteRule;
import dev.headroom.core.ExecutorTasks;
import dev.headroom.core.Tasks;
import dev.headroom.cost.CostEngine;
import dev.headroom.cost.PriceBook;
import dev.headroom.cost.PriceService;
import dev.headroom.gateway.Gateway;
import dev.headroom.gateway.Upstream;
import dev.headroom.store.Database;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An OpenAI-style SSE response streamed through the real gateway: the tokens and the cost land in H2. */
class StreamMeteringTest {
  @TempDir Path dir;

  @Test
  void streamedCompletionIsStoredWithItsTokensAndCost() throws Exception {
    try (Tasks tasks = ExecutorTasks.create("meter", 2); Database db = Database.open(dir);
        Upstream provider = new Upstream("openai")) {
      provider.on("/v1/chat/completions", ex -> {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
          out.write(("data: {\"id\":\"c\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n"
              + "data: {\"id\":\"c\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[],\"usage\":{\"prompt_tokens\":2000,"
              + "\"completion_tokens\":500,\"prompt_tokens_details\":{\"cached_tokens\":1000},"
              + "\"completion_tokens_details\":{\"reasoning_tokens\":0}}}\n\n"
              + "data: [DONE]\n\n").getBytes(StandardCharsets.UTF_8));
        }
      });
      CostEngine cost = new CostEngine(db, PriceBook.load(Optional.empty()),
          new PriceService(Optional.empty(), db, Clock.systemUTC(), 0, "pd-balanced"), "us-central1",
          new CostSettings(BigDecimal.TEN, BigDecimal.TEN, "", ""), List::of, Clock.systemUTC(), ZoneOffset.UTC, tasks,
          (p, pc, b) -> { });
      Gateway gw = new Gateway(new GatewaySettings(true, 0, 1 << 20, 10, 60,
          List.of(new RouteRule("openai", "/openai/", "LOCAL_ONLY", provider.uri().toString(), "OPENAI"))),
          Optional::empty, () -> false, cost, Clock.systemUTC(), tasks);
      gw.start();
      try {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            gw.address().resolve("/openai/v1/chat/completions")).POST(HttpRequest.BodyPublishers.ofString(
                "{\"model\":\"gpt-4o-mini\",\"stream\":true}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.body()).endsWith("data: [DONE]\n\n");
      } finally {
        gw.close();
      }
      Object[] row = db.withConnection(c -> {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT provider, model,"
            + " input_tokens, cached_tokens, output_tokens, reasoning_tokens, route, cost FROM llm_usage")) {
          assertThat(rs.next()).isTrue();
          Object[] v = {rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6),
              rs.getString(7), rs.getBigDecimal(8)};
          assertThat(rs.next()).isFalse();
          return v;
        }
      });
      assertThat(row).containsExactly("openai", "gpt-4o-mini-2024-07-18", 2000L, 1000L, 500L, 0L, "openai",
          row[7]);
      // gpt-4o-mini: 1000 x 1.5e-7 + 1000 cached x 7.5e-8 + 500 x 6e-7 = 0.000525
      assertThat((BigDecimal) row[7]).isEqualByComparingTo("0.000525");
      assertThat(cost.tick().llmToday()).isEqualByComparingTo("0.000525");
    }
  }
}
