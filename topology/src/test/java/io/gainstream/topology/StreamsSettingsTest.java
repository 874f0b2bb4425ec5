package io.gainstream.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** The settings the pipeline's guarantees and its latency rest on reach Kafka Streams. */
class StreamsSettingsTest {
  private static Map<String, Object> settings(Map<String, Object> extra) {
    Map<String, Object> c =
        new java.util.HashMap<>(Map.of(PipelineConfig.CLASSES_CONFIG, "boat,person"));
    c.putAll(extra);
    return StreamsSettings.pipeline(new PipelineConfig(c));
  }

  @Test
  void exactlyOnceWithTheDefaultCommitInterval() {
    Map<String, Object> p = settings(Map.of());
    assertEquals(StreamsConfig.EXACTLY_ONCE_V2, p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
    assertEquals(200L, p.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
  }

  @Test
  void commitIntervalIsAPipelineSetting() {
    Map<String, Object> p = settings(Map.of(PipelineConfig.COMMIT_INTERVAL_MS_CONFIG, "50"));
    assertEquals(50L, p.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
    // and Kafka Streams accepts it
    Map<String, Object> all = new java.util.HashMap<>(p);
    all.put(StreamsConfig.APPLICATION_ID_CONFIG, "t");
    all.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    assertEquals(50L, new StreamsConfig(all).getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
  }

  @Test
  void aCommitIntervalBelowTenMillisecondsIsRejected() {
    assertThrows(
        ConfigException.class,
        () -> settings(Map.of(PipelineConfig.COMMIT_INTERVAL_MS_CONFIG, "0")));
  }

  @Test
  void theTransactionAndPollTimeoutsReachTheirClientsFromOnePlace() {
    Map<String, Object> all = new java.util.HashMap<>(settings(Map.of()));
    all.put(StreamsConfig.APPLICATION_ID_CONFIG, "t");
    all.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    StreamsConfig sc = new StreamsConfig(all);
    assertEquals(
        60_000,
        sc.getProducerConfigs("p")
            .get(org.apache.kafka.clients.producer.ProducerConfig.TRANSACTION_TIMEOUT_CONFIG));
    assertEquals(
        300_000,
        sc.getMainConsumerConfigs("g", "c", 0)
            .get(org.apache.kafka.clients.consumer.ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG));
    PipelineConfig defaults =
        new PipelineConfig(Map.of(PipelineConfig.CLASSES_CONFIG, "boat,person"));
    assertEquals(15_000L, defaults.batchBudgetMs(), "a quarter of the transaction timeout");
  }

  @Test
  void timeoutsThatCannotWorkTogetherAreRefused() {
    // budget + commit interval over half the transaction timeout
    assertThrows(
        ConfigException.class,
        () ->
            settings(
                Map.of(
                    PipelineConfig.TRANSACTION_TIMEOUT_MS_CONFIG, "10000",
                    PipelineConfig.BATCH_BUDGET_MS_CONFIG, "5000")));
    // a budget over half the poll interval
    assertThrows(
        ConfigException.class,
        () ->
            settings(
                Map.of(
                    PipelineConfig.TRANSACTION_TIMEOUT_MS_CONFIG, "600000",
                    PipelineConfig.MAX_POLL_INTERVAL_MS_CONFIG, "60000",
                    PipelineConfig.BATCH_BUDGET_MS_CONFIG, "40000")));
    // a commit interval that leaves the budget nothing
    assertThrows(
        ConfigException.class,
        () ->
            settings(
                Map.of(
                    PipelineConfig.TRANSACTION_TIMEOUT_MS_CONFIG, "2000",
                    PipelineConfig.COMMIT_INTERVAL_MS_CONFIG, "900")));
    // a short timeout with the derived budget works
    assertEquals(
        2000,
        settings(Map.of(PipelineConfig.TRANSACTION_TIMEOUT_MS_CONFIG, "2000"))
            .get(
                StreamsConfig.producerPrefix(
                    org.apache.kafka.clients.producer.ProducerConfig.TRANSACTION_TIMEOUT_CONFIG)));
  }

  /**
   * The config the partition assignor rebuilds from the main consumer's has the global handler on
   * (it warned otherwise).
   */
  @Test
  void theGlobalProcessingHandlerReachesTheAssignorsConfig() {
    Map<String, Object> all = new java.util.HashMap<>(settings(Map.of()));
    all.put(StreamsConfig.APPLICATION_ID_CONFIG, "t");
    all.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    Map<String, Object> consumer = new StreamsConfig(all).getMainConsumerConfigs("g", "c", 0);
    assertEquals(
        true,
        new StreamsConfig(consumer)
            .getBoolean(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG));
  }
}
