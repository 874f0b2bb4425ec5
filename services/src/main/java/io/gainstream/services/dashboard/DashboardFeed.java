package io.gainstream.services.dashboard;

import io.gainstream.services.kafka.KafkaConnection;
import io.gainstream.topology.PipelineConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the dashboard from the topics (read_committed, no consumer group: a viewer must not take
 * partitions from anyone): every release from the beginning, and the newest stretch of images,
 * labels and dead letters, then everything as it arrives.
 */
public final class DashboardFeed implements Runnable, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DashboardFeed.class);

  /** Records read back per partition of images, labels and dead letters at start. */
  static final long HISTORY = 300;

  private final KafkaConsumer<String, byte[]> consumer;
  private final PipelineConfig config;
  private final DashboardState state;
  private volatile boolean running = true;
  private Thread thread;

  public DashboardFeed(KafkaConnection kafka, PipelineConfig config, DashboardState state) {
    this.consumer = new KafkaConsumer<>(kafka.consumer(null));
    this.config = config;
    this.state = state;
  }

  public DashboardFeed start() {
    thread = new Thread(this, "dashboard-feed");
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  @Override
  public void run() {
    try {
      List<TopicPartition> parts = new ArrayList<>();
      for (String t :
          List.of(
              config.modelsTopic(),
              config.imagesTopic(),
              config.proxyLabelsTopic(),
              config.deadLettersTopic())) {
        consumer
            .partitionsFor(t, Duration.ofSeconds(60))
            .forEach(p -> parts.add(new TopicPartition(t, p.partition())));
      }
      consumer.assign(parts);
      Map<TopicPartition, Long> begin = consumer.beginningOffsets(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      for (TopicPartition tp : parts) {
        long from =
            tp.topic().equals(config.modelsTopic())
                ? begin.get(tp)
                : Math.max(begin.get(tp), end.get(tp) - HISTORY);
        consumer.seek(tp, from);
      }
      while (running) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          try {
            state.accept(config, r.topic(), r.key(), r.value(), System.currentTimeMillis());
          } catch (RuntimeException e) {
            LOG.warn("dashboard skipped {}@{}: {}", r.topic(), r.offset(), e.toString());
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      LOG.error("dashboard feed stopped", e);
    } finally {
      consumer.close();
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    if (thread != null) {
      thread.join(10_000);
    }
  }
}
