package io.gainstream.cli;

import io.gainstream.services.kafka.EmbeddedKafka;
import io.gainstream.services.kafka.SharedBroker;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.common.Uuid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gainstream broker}: the embedded broker of a work directory as a process of its own. The
 * services start it in the background on first use ({@link SharedBroker}); run in a terminal, it is
 * the same broker in the foreground.
 */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    description =
        "Runs the embedded Kafka broker of a work directory. pipeline, trainer, dashboard, publish and export start it in the "
            + "background when none runs and share it.")
final class BrokerCommand implements Callable<Integer> {
  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      defaultValue = "gainstream-work",
      description =
          "Work directory whose broker this is (data under DIR/kafka). Default: ${DEFAULT-VALUE}.")
  Path workDir;

  @Option(
      names = "--idle-exit",
      paramLabel = "MINUTES",
      defaultValue = "30",
      description =
          "Stop after this many minutes without a client connected (0: never). Default: ${DEFAULT-VALUE}.")
  int idleMinutes;

  @Option(
      names = "--node-id",
      paramLabel = "N",
      description =
          "Run as node N of a local KRaft cluster (broker and controller in one process) instead of the work "
              + "directory's single broker; needs --quorum, --port and --cluster-id.")
  Integer nodeId;

  @Option(
      names = "--quorum",
      paramLabel = "ID@HOST:PORT,...",
      split = ",",
      description =
          "Every node of the cluster with its controller port, e.g. 1@127.0.0.1:19093,2@127.0.0.1:19094.")
  List<String> quorum;

  @Option(names = "--port", paramLabel = "PORT", description = "This node's client port.")
  Integer port;

  @Option(
      names = "--cluster-id",
      paramLabel = "ID",
      description =
          "The cluster's id (the same on every node; e.g. from kafka-storage.sh random-uuid).")
  String clusterId;

  @Option(
      names = "--stop",
      description = "Stop the broker of --work-dir, if one runs, and wait until it has.")
  boolean stop;

  @Override
  public Integer call() throws Exception {
    if (idleMinutes < 0) {
      throw new UserError("--idle-exit must be >= 0 minutes, got " + idleMinutes);
    }
    Path data = workDir.toAbsolutePath().resolve("kafka");
    Optional<SharedBroker.Ready> up = SharedBroker.running(data);
    if (stop) {
      if (up.isEmpty()) {
        System.out.println("no broker runs for " + workDir);
        return 0;
      }
      ProcessHandle h = ProcessHandle.of(up.get().pid()).orElseThrow();
      h.destroy();
      h.onExit().get(90, TimeUnit.SECONDS);
      System.out.println("stopped the broker at " + up.get().bootstrap());
      return 0;
    }
    if (up.isPresent()) {
      throw new UserError(
          "a broker already runs for "
              + workDir
              + " at "
              + up.get().bootstrap()
              + " (pid "
              + up.get().pid()
              + ")");
    }
    EmbeddedKafka.Node node = node();
    Logs.toFile(workDir);
    CountDownLatch done = new CountDownLatch(1);
    try (ShutdownGate gate = new ShutdownGate()) {
      EmbeddedKafka k =
          node == null ? EmbeddedKafka.start(data) : EmbeddedKafka.startNode(data, node);
      try {
        gate.onSignal(done::countDown);
        SharedBroker.markReady(data, k.bootstrapServers());
        System.out.println(
            "broker running on "
                + k.bootstrapServers()
                + " (data in "
                + data
                + ")"
                + (idleMinutes > 0 ? ", stops after " + idleMinutes + " min without clients" : "")
                + "; Ctrl-C stops it");
        long idleSince = System.nanoTime();
        while (!done.await(5, TimeUnit.SECONDS)) {
          if (clientConnections() > 0) {
            idleSince = System.nanoTime();
          } else if (idleMinutes > 0
              && node == null // a cluster node serves its peers even when no client is connected
              && System.nanoTime() - idleSince > TimeUnit.MINUTES.toNanos(idleMinutes)) {
            System.out.println("no client for " + idleMinutes + " min: stopping");
            break;
          }
        }
      } finally {
        SharedBroker.clearReady(data);
        k.close();
      }
    }
    return 0;
  }

  /** The cluster node the options describe, or null for the work directory's single broker. */
  private EmbeddedKafka.Node node() {
    if (nodeId == null) {
      if (quorum != null || port != null || clusterId != null) {
        throw new UserError("--quorum, --port and --cluster-id go with --node-id");
      }
      return null;
    }
    if (quorum == null || port == null || clusterId == null) {
      throw new UserError("--node-id needs --quorum, --port and --cluster-id");
    }
    String mine =
        quorum.stream()
            .filter(v -> v.startsWith(nodeId + "@"))
            .findFirst()
            .orElseThrow(() -> new UserError("--quorum " + quorum + " has no node " + nodeId));
    if (port < 1 || port > 65535) {
      throw new UserError("--port must be in [1, 65535], got " + port);
    }
    try {
      Uuid.fromString(clusterId);
    } catch (IllegalArgumentException e) {
      throw new UserError(
          "--cluster-id must be a base64 UUID (kafka-storage.sh random-uuid), got '"
              + clusterId
              + "'");
    }
    try {
      int controller = Integer.parseInt(mine.substring(mine.lastIndexOf(':') + 1));
      return new EmbeddedKafka.Node(nodeId, clusterId, quorum, port, controller);
    } catch (IllegalArgumentException e) {
      throw new UserError("--quorum " + quorum + ": " + e.getMessage());
    }
  }

  /**
   * Open client connections on the broker's PLAINTEXT listener (its socket server's own metric).
   */
  private static long clientConnections() throws Exception {
    MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
    long n = 0;
    for (ObjectName name :
        mbs.queryNames(
            new ObjectName(
                "kafka.server:type=socket-server-metrics,listener=PLAINTEXT,networkProcessor=*"),
            null)) {
      Object v = mbs.getAttribute(name, "connection-count");
      n += v instanceof Number num ? Math.round(num.doubleValue()) : 0;
    }
    return n;
  }
}
