package io.gainstream.services.kafka;

import io.gainstream.topology.PipelineConfig;
import io.gainstream.topology.StreamsSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the pipeline's topics when they are missing: compacted {@code models} and {@code
 * proxy-labels} (newest value per key wins, late consumers still see every image's label), record
 * sizes large enough for images and releases, and {@code partitions} on the keyed topics so more
 * instances can share the work.
 */
public final class TopicSetup {
  private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);

  private TopicSetup() {}

  public static void ensure(
      KafkaConnection kafka, PipelineConfig config, int partitions, short replication) {
    String size = Integer.toString(StreamsSettings.MAX_RECORD_BYTES);
    Map<String, String> plain = Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, size);
    Map<String, String> compact =
        Map.of(
            TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
            size,
            TopicConfig.CLEANUP_POLICY_CONFIG,
            TopicConfig.CLEANUP_POLICY_COMPACT);
    List<NewTopic> wanted = new ArrayList<>();
    wanted.add(new NewTopic(config.imagesTopic(), partitions, replication).configs(plain));
    wanted.add(new NewTopic(config.modelsTopic(), 1, replication).configs(compact));
    wanted.add(new NewTopic(config.proxyLabelsTopic(), partitions, replication).configs(compact));
    wanted.add(new NewTopic(config.trainingSamplesTopic(), partitions, replication).configs(plain));
    wanted.add(new NewTopic(config.deadLettersTopic(), partitions, replication).configs(plain));
    try (Admin admin = kafka.admin()) {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get();
        LOG.info("created topics {}", missing.stream().map(NewTopic::name).toList());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot create topics on " + kafka.bootstrapServers() + ": " + e.getCause().getMessage(),
          e.getCause());
    }
  }
}
