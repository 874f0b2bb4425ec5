package io.gainstream.services.reliability;

import static org.awaitility.Awaitility.await;

import io.gainstream.services.kafka.EmbeddedKafka;
import io.gainstream.services.kafka.KafkaConnection;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;

/**
 * Three Kafka nodes on this machine, each {@code gainstream broker --node-id} in a JVM of its own
 * from the packaged jar, so that a test can {@code kill -9} one (no shutdown hook, nothing
 * flushed). Each node is broker and controller at once (KRaft combined mode): three machines
 * without separate controller hosts run so, and a quorum of three voters keeps its majority when
 * one dies and loses it when two do, which is what the tests exercise. Ports are chosen once; a
 * node comes back on its own data directory and ports.
 */
final class LocalCluster implements AutoCloseable {
  static final int SIZE = 3;

  private final Path dir;
  private final String clusterId = Uuid.randomUuid().toString();
  private final int[] ports;
  private final List<String> quorum = new ArrayList<>();
  private final Map<Integer, ChildJvm> nodes = new TreeMap<>();
  private int restarts;

  LocalCluster(Path dir) throws IOException {
    this.dir = dir;
    int[] free = EmbeddedKafka.freePorts(2 * SIZE);
    this.ports = new int[SIZE + 1];
    for (int id = 1; id <= SIZE; id++) {
      ports[id] = free[2 * (id - 1)];
      quorum.add(id + "@127.0.0.1:" + free[2 * (id - 1) + 1]);
    }
  }

  /** Starts every node and waits until all three serve as brokers. */
  LocalCluster start() throws Exception {
    for (int id = 1; id <= SIZE; id++) {
      launch(id);
    }
    for (int id = 1; id <= SIZE; id++) {
      nodes.get(id).awaitLog("broker running", Duration.ofMinutes(2));
    }
    try (Admin a = connection().admin()) {
      await("three brokers")
          .atMost(Duration.ofMinutes(1))
          .until(() -> a.describeCluster().nodes().get().size() == SIZE);
    }
    return this;
  }

  private void launch(int id) throws IOException {
    nodes.put(
        id,
        ChildJvm.start(
            dir.resolve("node-" + id + "-" + restarts++ + ".log"),
            List.of(
                "broker",
                "--work-dir",
                dir.resolve("node-" + id).toString(),
                "--idle-exit",
                "0",
                "--node-id",
                Integer.toString(id),
                "--quorum",
                String.join(",", quorum),
                "--port",
                Integer.toString(ports[id]),
                "--cluster-id",
                clusterId)));
  }

  /** Every node's client address: clients find the others through any one that is up. */
  String bootstrap() {
    List<String> all = new ArrayList<>();
    for (int id = 1; id <= SIZE; id++) {
      all.add("127.0.0.1:" + ports[id]);
    }
    return String.join(",", all);
  }

  KafkaConnection connection() {
    return KafkaConnection.of(bootstrap());
  }

  /** {@code kill -9} of node {@code id}. */
  void kill(int id) throws InterruptedException {
    nodes.remove(id).kill9();
  }

  /** Starts node {@code id} again on its data and waits until it serves. */
  void restart(int id) throws Exception {
    launch(id);
    nodes.get(id).awaitLog("broker running", Duration.ofMinutes(2));
  }

  /** Starts every node that is down, so that a test begins on the whole cluster. */
  void heal() throws Exception {
    for (int id = 1; id <= SIZE; id++) {
      if (!nodes.containsKey(id)) {
        restart(id);
      }
    }
  }

  /** The node that leads the most partitions of {@code topics}. */
  static int leaderOfMost(Admin a, List<String> topics) throws Exception {
    Map<Integer, Long> led =
        a.describeTopics(topics).allTopicNames().get().values().stream()
            .flatMap(d -> d.partitions().stream())
            .map(TopicPartitionInfo::leader)
            .filter(n -> n != null)
            .collect(Collectors.groupingBy(n -> n.id(), Collectors.counting()));
    return most(led);
  }

  /**
   * The node that coordinates most open or recent transactions of {@code appId}'s stream threads
   * (their transactional ids start with the application id).
   */
  static int coordinatorOf(Admin a, String appId) throws Exception {
    List<String> ids =
        a.listTransactions().all().get().stream()
            .map(TransactionListing::transactionalId)
            .filter(t -> t.startsWith(appId))
            .toList();
    if (ids.isEmpty()) {
      throw new IllegalStateException("no transactions of " + appId);
    }
    Map<Integer, Long> coordinated = new HashMap<>();
    a.describeTransactions(ids)
        .all()
        .get()
        .values()
        .forEach(d -> coordinated.merge(d.coordinatorId(), 1L, Long::sum));
    return most(coordinated);
  }

  private static int most(Map<Integer, Long> counts) {
    return counts.entrySet().stream()
        .max(Map.Entry.comparingByValue())
        .map(Map.Entry::getKey)
        .orElseThrow(() -> new IllegalStateException("no leaders"));
  }

  @Override
  public void close() throws InterruptedException {
    for (ChildJvm n : nodes.values()) {
      n.kill9();
    }
    nodes.clear();
  }
}
