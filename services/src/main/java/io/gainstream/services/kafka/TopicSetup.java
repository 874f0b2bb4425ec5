package io.gainstream.services.kafka;

import io.gainstream.topology.PipelineConfig;
import io.gainstream.topology.StreamsSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the pipeline's topics when they are missing: compacted {@code models} and {@code
 * proxy-labels} (newest value per key wins, late consumers still see every image's label), record
 * sizes large enough for images and releases, {@code partitions} on the keyed topics so more
 * instances can share the work, and the replication the cluster offers ({@link Replication}).
 */
public final class TopicSetup {
  private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);

  private TopicSetup() {}

  /**
   * Creates what is missing at the replication the cluster offers ({@link Replication}), warns once
   * per existing topic with fewer replicas, and returns the replication, which the pipeline also
   * gives Kafka Streams' internal topics.
   */
  public static Replication ensure(KafkaConnection kafka, PipelineConfig config, int partitions) {
    String size = Integer.toString(StreamsSettings.MAX_RECORD_BYTES);
    try (Admin admin = kafka.admin()) {
      Replication r = replication(admin, config);
      Map<String, String> plain = new HashMap<>(r.topicConfig());
      plain.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, size);
      Map<String, String> compact = new HashMap<>(plain);
      compact.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
      short f = r.factor();
      List<NewTopic> wanted = new ArrayList<>();
      wanted.add(new NewTopic(config.imagesTopic(), partitions, f).configs(plain));
      wanted.add(new NewTopic(config.modelsTopic(), 1, f).configs(compact));
      wanted.add(new NewTopic(config.proxyLabelsTopic(), partitions, f).configs(compact));
      wanted.add(new NewTopic(config.trainingSamplesTopic(), partitions, f).configs(plain));
      wanted.add(new NewTopic(config.deadLettersTopic(), partitions, f).configs(plain));
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get();
        LOG.info(
            "created topics {} ({} replica(s), {} in sync)",
            missing.stream().map(NewTopic::name).toList(),
            r.factor(),
            r.minInsync());
      }
      List<String> present =
          wanted.stream().map(NewTopic::name).filter(existing::contains).toList();
      if (!present.isEmpty()) {
        Map<String, Integer> replicas = new HashMap<>();
        admin
            .describeTopics(present)
            .allTopicNames()
            .get()
            .forEach(
                (name, d) ->
                    replicas.put(
                        name,
                        d.partitions().stream()
                            .mapToInt(p -> p.replicas().size())
                            .min()
                            .orElse(0)));
        r.underReplicated(replicas).forEach(LOG::warn);
      }
      return r;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot create topics on " + kafka.bootstrapServers() + ": " + e.getCause().getMessage(),
          e.getCause());
    }
  }

  /** The replication for this cluster under {@code config} (one metadata request). */
  public static Replication replication(KafkaConnection kafka, PipelineConfig config) {
    try (Admin admin = kafka.admin()) {
      return replication(admin, config);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while describing the cluster", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot reach " + kafka.bootstrapServers() + ": " + e.getCause().getMessage(),
          e.getCause());
    }
  }

  /**
   * Counted with the fenced brokers: a broker that is down is still part of the cluster, and a
   * service started while one is away must not choose (or refuse) a smaller replication for it.
   */
  private static Replication replication(Admin admin, PipelineConfig config)
      throws InterruptedException, ExecutionException {
    int brokers;
    try {
      brokers =
          admin
              .describeCluster(new DescribeClusterOptions().includeFencedBrokers(true))
              .nodes()
              .get()
              .size();
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof UnsupportedVersionException)) {
        throw e;
      }
      brokers = admin.describeCluster().nodes().get().size(); // brokers before Kafka 4.0
    }
    return Replication.forCluster(brokers, config);
  }
}
