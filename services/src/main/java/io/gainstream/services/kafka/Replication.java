package io.gainstream.services.kafka;

import io.gainstream.topology.PipelineConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * How the topics gainstream creates are replicated: its five and Kafka Streams' internal ones
 * (changelogs, repartitions). On a cluster of three brokers or more the default is 3 replicas with
 * {@code min.insync.replicas} 2: with {@code acks=all} on every producer, one broker may die
 * without stopping the pipeline or losing an acknowledged record, and two dead brokers stop writes
 * rather than lose them. On fewer brokers, one replica per broker, and 1 in sync.
 *
 * @param factor replicas per partition
 * @param minInsync replicas that must have a write before it is acknowledged
 */
public record Replication(short factor, int minInsync) {
  public Replication {
    if (factor < 1 || minInsync < 1 || minInsync > factor) {
      throw new IllegalArgumentException(
          "need 1 <= min.insync.replicas <= replication factor, got "
              + minInsync
              + " and "
              + factor);
    }
  }

  /**
   * What a cluster of {@code brokers} gets under {@code config} ({@code
   * gainstream.topics.replication.factor} and {@code gainstream.topics.min.insync.replicas}; 0: the
   * default above). A factor above the broker count is refused with one line: such topics cannot be
   * created.
   */
  public static Replication forCluster(int brokers, PipelineConfig config) {
    return forCluster(brokers, config.replicationFactor(), config.minInsyncReplicas());
  }

  static Replication forCluster(int brokers, int setFactor, int setMinInsync) {
    int factor = setFactor > 0 ? setFactor : Math.min(3, Math.max(1, brokers));
    if (factor > brokers) {
      throw new IllegalArgumentException(
          PipelineConfig.REPLICATION_FACTOR_CONFIG
              + " is "
              + factor
              + " but the cluster has "
              + brokers
              + " broker(s)");
    }
    int min = setMinInsync > 0 ? setMinInsync : factor >= 3 ? 2 : 1;
    if (min > factor) {
      throw new IllegalArgumentException(
          PipelineConfig.MIN_INSYNC_REPLICAS_CONFIG
              + " is "
              + min
              + " but topics have "
              + factor
              + " replica(s)");
    }
    return new Replication((short) factor, min);
  }

  /** The topic setting that goes with the factor. */
  public Map<String, String> topicConfig() {
    return Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(minInsync));
  }

  /** The same for Kafka Streams' internal topics. */
  public Map<String, Object> streamsConfig() {
    return Map.of(
        StreamsConfig.REPLICATION_FACTOR_CONFIG,
        (int) factor,
        StreamsConfig.topicPrefix(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG),
        Integer.toString(minInsync));
  }

  /**
   * One warning per existing topic with fewer replicas than asked (by its least replicated
   * partition); such topics are left as they are: changing a topic's replication is an operator's
   * decision.
   *
   * @param replicas the fewest replicas of any partition, by topic name
   */
  public List<String> underReplicated(Map<String, Integer> replicas) {
    List<String> out = new ArrayList<>();
    new TreeMap<>(replicas)
        .forEach(
            (topic, n) -> {
              if (n < factor) {
                out.add(
                    "topic "
                        + topic
                        + " has "
                        + n
                        + " replica(s), "
                        + factor
                        + " asked: it stays so (kafka-reassign-partitions.sh raises it)");
              }
            });
    return out;
  }
}
