package io.gainstream.services.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gainstream.topology.PipelineConfig;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class ReplicationTest {
  static PipelineConfig config(Map<String, String> extra) {
    Map<String, Object> m = new java.util.HashMap<>(extra);
    m.put(PipelineConfig.CLASSES_CONFIG, "cat,dog");
    return new PipelineConfig(m);
  }

  @Test
  void shouldOfferThreeReplicasAndTwoInSyncOnAClusterOfThreeOrMore() {
    for (int brokers : new int[] {3, 4, 9}) {
      assertThat(Replication.forCluster(brokers, config(Map.of())))
          .isEqualTo(new Replication((short) 3, 2));
    }
  }

  @Test
  void shouldOfferOneReplicaPerBrokerAndOneInSyncOnSmallerOnes() {
    assertThat(Replication.forCluster(1, config(Map.of())))
        .as("the embedded broker")
        .isEqualTo(new Replication((short) 1, 1));
    assertThat(Replication.forCluster(2, config(Map.of())))
        .isEqualTo(new Replication((short) 2, 1));
  }

  @Test
  void shouldTakeTheSettingsWhenGiven() {
    PipelineConfig c =
        config(
            Map.of(
                PipelineConfig.REPLICATION_FACTOR_CONFIG, "2",
                PipelineConfig.MIN_INSYNC_REPLICAS_CONFIG, "2"));
    assertThat(Replication.forCluster(5, c)).isEqualTo(new Replication((short) 2, 2));
  }

  @Test
  void shouldRefuseWhatTheClusterCannotHoldWithOneLine() {
    assertThatThrownBy(
            () ->
                Replication.forCluster(
                    1, config(Map.of(PipelineConfig.REPLICATION_FACTOR_CONFIG, "3"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("gainstream.topics.replication.factor is 3 but the cluster has 1 broker(s)");
    assertThatThrownBy(
            () ->
                Replication.forCluster(
                    3, config(Map.of(PipelineConfig.MIN_INSYNC_REPLICAS_CONFIG, "4"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("gainstream.topics.min.insync.replicas is 4");
  }

  @Test
  void shouldWarnOncePerExistingTopicWithFewerReplicasThanAsked() {
    Replication r = new Replication((short) 3, 2);
    assertThat(r.underReplicated(Map.of("images", 1, "models", 3, "proxy-labels", 2)))
        .containsExactly(
            "topic images has 1 replica(s), 3 asked: it stays so (kafka-reassign-partitions.sh raises it)",
            "topic proxy-labels has 2 replica(s), 3 asked: it stays so (kafka-reassign-partitions.sh raises it)");
    assertThat(new Replication((short) 1, 1).underReplicated(Map.of("images", 1))).isEmpty();
  }

  /** Kafka Streams' changelogs and repartition topics get the same replication. */
  @Test
  void shouldGiveKafkaStreamsInternalTopicsTheSameReplication() {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "app");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "broker:9092");
    p.putAll(new Replication((short) 3, 2).streamsConfig());
    StreamsConfig s = new StreamsConfig(p);
    assertThat(s.getInt(StreamsConfig.REPLICATION_FACTOR_CONFIG)).isEqualTo(3);
    assertThat(s.originalsWithPrefix(StreamsConfig.TOPIC_PREFIX))
        .containsEntry(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2");
    assertThat(new Replication((short) 3, 2).topicConfig())
        .containsEntry(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2");
  }

  /** min.insync.replicas protects nothing unless every write waits for the replicas. */
  @Test
  void shouldMakeEveryProducerWaitForAllInSyncReplicas() {
    Map<String, Object> p = KafkaConnection.of("broker:9092").producer();
    assertThat(p)
        .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
  }
}
