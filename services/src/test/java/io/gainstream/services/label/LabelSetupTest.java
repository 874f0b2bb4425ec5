package io.gainstream.services.label;

import static org.assertj.core.api.Assertions.assertThat;

import io.gainstream.topology.PipelineConfig;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelSetupTest {
  static PipelineConfig config(Map<String, Object> settings) {
    Map<String, Object> m = new HashMap<>(settings);
    m.put(PipelineConfig.CLASSES_CONFIG, "horse,car");
    LabelSetup.patientTransactions(m);
    return new PipelineConfig(m);
  }

  /** A slow photo gets 5 min before its transaction is aborted; batches stay sized to 15 s. */
  @Test
  void shouldGiveLabelsTransactionsFiveMinutesWithBatchesOfTheUsualWork() {
    PipelineConfig c = config(Map.of());
    assertThat(c.transactionTimeoutMs()).isEqualTo(300_000L);
    assertThat(c.batchBudgetMs()).isEqualTo(15_000L);
    assertThat(c.batchBudgetMs())
        .as("what the pipeline's own defaults give")
        .isEqualTo(new PipelineConfig(Map.of(PipelineConfig.CLASSES_CONFIG, "a")).batchBudgetMs());
  }

  /** A user who set any of the timings gets exactly those (no mix that the checks would refuse). */
  @Test
  void shouldLeaveTheTimingsAloneWhenTheUserSetAnyOfThem() {
    PipelineConfig c = config(Map.of(PipelineConfig.TRANSACTION_TIMEOUT_MS_CONFIG, "3000"));
    assertThat(c.transactionTimeoutMs()).isEqualTo(3_000L);
    assertThat(c.batchBudgetMs()).isEqualTo(750L);
    PipelineConfig p = config(Map.of(PipelineConfig.MAX_POLL_INTERVAL_MS_CONFIG, "40000"));
    assertThat(p.transactionTimeoutMs()).isEqualTo(60_000L);
  }
}
