package io.gainstream.services.kafka;

import io.gainstream.topology.StreamsSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) in this process, used
 * when the user names no cluster. It lives under a data directory: started again on the same
 * directory, it keeps its topics, offsets and ports, so separate commands share one "cluster".
 * Listeners bind 127.0.0.1 only.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final String PORTS_FILE = "gainstream-ports.properties";

  private final KafkaRaftServer server;
  private final String bootstrap;
  private final Path dataDir;

  private EmbeddedKafka(KafkaRaftServer server, String bootstrap, Path dataDir) {
    this.server = server;
    this.bootstrap = bootstrap;
    this.dataDir = dataDir;
  }

  /**
   * One node of a local KRaft cluster: broker and controller in one process (combined mode, as a
   * three-machine cluster without separate controllers runs), voting in a static quorum of every
   * node. All nodes are formatted with the same cluster id.
   *
   * @param nodeId this node's id, one of the quorum's
   * @param clusterId the cluster's id (a base64 UUID, {@code Uuid.randomUuid()})
   * @param quorum every node as {@code id@127.0.0.1:controllerPort}
   * @param port this node's client port
   * @param controllerPort this node's controller port (as the quorum names it)
   */
  public record Node(
      int nodeId, String clusterId, List<String> quorum, int port, int controllerPort) {
    public Node {
      quorum = List.copyOf(quorum);
      if (!quorum.contains(nodeId + "@127.0.0.1:" + controllerPort)) {
        throw new IllegalArgumentException(
            "node " + nodeId + " at controller port " + controllerPort + " is not in " + quorum);
      }
    }
  }

  /** Starts (formatting on first use) a broker whose data lives in {@code dataDir}. */
  public static EmbeddedKafka start(Path dataDir) {
    try {
      Files.createDirectories(dataDir);
      Properties ports = ports(dataDir);
      int port = Integer.parseInt(ports.getProperty("broker"));
      int controller = Integer.parseInt(ports.getProperty("controller"));
      return launch(
          dataDir,
          new Node(
              1,
              Uuid.randomUuid().toString(),
              List.of("1@127.0.0.1:" + controller),
              port,
              controller));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded broker in " + dataDir, e);
    }
  }

  /**
   * Starts (formatting on first use) one node of a local cluster, its data in {@code dataDir}; the
   * cluster's topics default to its size's replication (3 replicas, 2 in sync, on three nodes).
   */
  public static EmbeddedKafka startNode(Path dataDir, Node node) {
    try {
      Files.createDirectories(dataDir);
      return launch(dataDir, node);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start cluster node " + node.nodeId(), e);
    }
  }

  private static EmbeddedKafka launch(Path dataDir, Node node) throws IOException {
    {
      int port = node.port();
      Properties p = serverProperties(dataDir, node);
      Path cfg = dataDir.resolve("server.properties");
      try (OutputStream out = Files.newOutputStream(cfg)) {
        p.store(out, "gainstream embedded broker");
      }
      Path logs = dataDir.resolve("logs");
      if (!Files.exists(logs.resolve("meta.properties"))) {
        ByteArrayOutputStream msg = new ByteArrayOutputStream();
        int rc;
        try (PrintStream ps = new PrintStream(msg, true, StandardCharsets.UTF_8)) {
          rc =
              StorageTool.execute(
                  new String[] {"format", "-t", node.clusterId(), "-c", cfg.toString()}, ps);
        }
        if (rc != 0) {
          throw new IllegalStateException(
              "formatting the embedded broker's storage failed: "
                  + msg.toString(StandardCharsets.UTF_8));
        }
      }
      long t0 = System.nanoTime();
      KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(p), Time.SYSTEM);
      server.startup();
      String bootstrap = "127.0.0.1:" + port;
      LOG.info(
          "embedded Kafka broker up at {} in {} ms (data in {})",
          bootstrap,
          (System.nanoTime() - t0) / 1_000_000,
          dataDir);
      return new EmbeddedKafka(server, bootstrap, dataDir);
    }
  }

  /** Ports chosen on first start and kept, so clients reconnect after a restart. */
  private static Properties ports(Path dataDir) throws IOException {
    Path f = dataDir.resolve(PORTS_FILE);
    Properties ports = new Properties();
    if (Files.exists(f)) {
      try (InputStream in = Files.newInputStream(f)) {
        ports.load(in);
      }
      if (!ports.getProperty("broker", "").equals(ports.getProperty("controller", ""))) {
        return ports;
      }
      // Written by a version that probed ports one at a time: both listeners got one port.
      LOG.warn("{} names one port for both listeners; choosing two new ports", f);
    }
    int[] free = freePorts(2);
    ports.setProperty("broker", Integer.toString(free[0]));
    ports.setProperty("controller", Integer.toString(free[1]));
    try (OutputStream out = Files.newOutputStream(f)) {
      ports.store(out, "ports of the embedded broker");
    }
    return ports;
  }

  /**
   * {@code n} distinct free ports on 127.0.0.1. All sockets stay open until every port is known:
   * probing one port at a time can return the port the previous probe just released, and the broker
   * then refuses to start with two listeners on one port.
   */
  public static int[] freePorts(int n) throws IOException {
    List<ServerSocket> open = new ArrayList<>(n);
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        open.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : open) {
        s.close();
      }
    }
  }

  private static Properties serverProperties(Path dataDir, Node node) {
    int port = node.port();
    int controller = node.controllerPort();
    // what the cluster's own topics (offsets, transactions) and topics created without a factor get
    String replicas = Integer.toString(Math.min(3, node.quorum().size()));
    String inSync = node.quorum().size() >= 3 ? "2" : "1";
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", Integer.toString(node.nodeId()));
    p.setProperty("controller.quorum.voters", String.join(",", node.quorum()));
    p.setProperty(
        "listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller);
    p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.setProperty("log.dirs", dataDir.resolve("logs").toString());
    p.setProperty("num.partitions", "1");
    p.setProperty("default.replication.factor", replicas);
    p.setProperty("min.insync.replicas", inSync);
    p.setProperty("offsets.topic.replication.factor", replicas);
    p.setProperty("offsets.topic.num.partitions", "4");
    p.setProperty("transaction.state.log.replication.factor", replicas);
    p.setProperty("transaction.state.log.min.isr", inSync);
    p.setProperty("transaction.state.log.num.partitions", "4");
    p.setProperty("share.coordinator.state.topic.replication.factor", replicas);
    p.setProperty("share.coordinator.state.topic.min.isr", inSync);
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    // a transaction past its timeout is aborted within a second rather than ten: a stream thread
    // whose batch outlasted it learns so (fenced) before it commits, as on a loaded cluster
    p.setProperty("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
    p.setProperty("auto.create.topics.enable", "false");
    p.setProperty("log.cleaner.dedupe.buffer.size", "2097152");
    p.setProperty("message.max.bytes", Integer.toString(StreamsSettings.MAX_RECORD_BYTES));
    p.setProperty("replica.fetch.max.bytes", Integer.toString(StreamsSettings.MAX_RECORD_BYTES));
    p.setProperty(
        "socket.request.max.bytes", Integer.toString(StreamsSettings.MAX_RECORD_BYTES + (1 << 20)));
    return p;
  }

  public String bootstrapServers() {
    return bootstrap;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Stops the broker and waits until it has shut down cleanly. */
  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
    LOG.info("embedded Kafka broker at {} stopped", bootstrap);
  }
}
