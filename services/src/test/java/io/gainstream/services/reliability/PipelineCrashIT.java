package io.gainstream.services.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.gainstream.model.synthetic.SyntheticDataset;
import io.gainstream.proto.v1.ImageEvent;
import io.gainstream.services.kafka.BrokerExtension;
import io.gainstream.services.kafka.KafkaConnection;
import io.gainstream.services.kafka.TopicSetup;
import io.gainstream.topology.PipelineConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of the pipeline process while images flow, then a restart: every image ends with
 * exactly one proxy label or exactly one dead letter (read_committed), none missing, none doubled.
 * The pipeline runs in a JVM of its own from the packaged jar.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class PipelineCrashIT {
  @TempDir static Path tmp;
  @RegisterExtension static final BrokerExtension kafka = new BrokerExtension();

  /** Arguments of {@code gainstream pipeline} on the fixture's topics. */
  static List<String> pipelineArgs(
      String bootstrap, Map<String, Object> settings, Path work, String appId, int threads)
      throws Exception {
    Path clientConfig =
        Files.writeString(
            work.resolve("client.properties").toAbsolutePath(),
            "# a crashed member is noticed after 10 s, not the default 45 s\nsession.timeout.ms=10000\n");
    List<String> args =
        new ArrayList<>(
            List.of(
                "pipeline",
                "--bootstrap-servers",
                bootstrap,
                "--client-config",
                clientConfig.toString(),
                "--classes",
                Fixture.classesFile(work).toString(),
                "--work-dir",
                work.resolve("work").toString(),
                "--application-id",
                appId,
                "--threads",
                Integer.toString(threads),
                "--partitions",
                "2",
                "--metrics-port",
                "0"));
    settings.forEach(
        (k, v) -> {
          if (!k.equals(PipelineConfig.CLASSES_CONFIG)) {
            args.add("--set");
            args.add(k + "=" + v);
          }
        });
    return args;
  }

  @Test
  void shouldLabelEveryImageExactlyOnceAcrossAKill9OfThePipeline() throws Exception {
    Map<String, Object> settings = Fixture.settings("crash.");
    PipelineConfig c = new PipelineConfig(settings);
    KafkaConnection k = kafka.connection();
    TopicSetup.ensure(k, c, 2);
    Fixture.publishRelease(k, c, 1);
    Path work = tmp.resolve("crash");
    Files.createDirectories(work);
    List<String> args = pipelineArgs(kafka.bootstrapServers(), settings, work, "crash-app", 1);

    List<SyntheticDataset.Sample> samples = Fixture.samples(40, 21);
    int n = 360;
    Set<String> ids = new LinkedHashSet<>();
    Set<String> broken = new LinkedHashSet<>();
    ChildJvm first =
        ChildJvm.start(work.resolve("first.log"), args)
            .awaitLog("pipeline running", Duration.ofMinutes(2));
    ChildJvm second = null;
    try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(k.producer())) {
      for (int i = 0; i < n; i++) {
        String id = "img-" + i;
        ImageEvent e = Fixture.event(samples.get(i % samples.size()), id);
        if (i % 30 == 7) {
          // a share of bad images: their outcome must survive the crash too
          e =
              e.toBuilder()
                  .setImage(ByteString.copyFrom(e.getImage().toByteArray(), 0, 40))
                  .build();
          broken.add(id);
        }
        Fixture.send(p, c.imagesTopic(), id, e.toByteArray());
        ids.add(id);
        if (i == n / 3) {
          // mid-stream: labels are being written, batches are buffered, a transaction is open
          first.kill9();
          second = ChildJvm.start(work.resolve("second.log"), args);
        }
        Thread.sleep(10);
      }
      second.awaitLog("pipeline running", Duration.ofMinutes(2));
      Fixture.Ledger l = Fixture.ledger(k, c, ids, Duration.ofMinutes(4));
      int labelled = (int) ids.stream().filter(id -> l.labelled(id) > 0).count();
      int dead = (int) ids.stream().filter(id -> l.dead(id) > 0).count();
      System.out.printf(
          "RELIABILITY pipeline-crash: in=%d labelled=%d dead-lettered=%d lost=%d doubled=%d%n",
          ids.size(), labelled, dead, l.missing(ids).size(), l.doubled(ids).size());
      assertThat(first.logText())
          .as("the first process was killed while it ran")
          .contains("pipeline running");
      assertThat(l.missing(ids)).as("images with no outcome").isEmpty();
      assertThat(l.doubled(ids)).as("images with more than one outcome").isEmpty();
      for (String id : broken) {
        assertThat(l.reason(id)).as(id).isEqualTo("IMAGE_UNDECODABLE");
      }
      assertThat(labelled).isEqualTo(n - broken.size());
    } finally {
      if (second != null) {
        second.close();
      }
    }
  }

  @Test
  void shouldConvergeOnTheNewestReleaseAcrossAKill9DuringRelabelling() throws Exception {
    Map<String, Object> settings = Fixture.settings("recrash.");
    // a 5 % share stretches re-labelling over seconds, so that the kill lands inside it
    settings.put(PipelineConfig.RELABEL_MAX_SHARE_CONFIG, 0.05);
    PipelineConfig c = new PipelineConfig(settings);
    KafkaConnection k = kafka.connection();
    TopicSetup.ensure(k, c, 2);
    Fixture.publishRelease(k, c, 1);
    Path work = Files.createDirectories(tmp.resolve("recrash"));
    List<String> args = pipelineArgs(kafka.bootstrapServers(), settings, work, "recrash-app", 1);
    List<SyntheticDataset.Sample> samples = Fixture.samples(40, 23);
    Set<String> ids = new LinkedHashSet<>();
    ChildJvm first =
        ChildJvm.start(work.resolve("first.log"), args)
            .awaitLog("pipeline running", Duration.ofMinutes(2));
    ChildJvm second = null;
    try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(k.producer())) {
      for (int i = 0; i < 240; i++) {
        Fixture.publishImage(p, c, samples, "img-", i, ids);
      }
      Fixture.Ledger before = Fixture.ledger(k, c, ids, Duration.ofMinutes(3));
      assertThat(before.on(ids, 1)).as("labelled by release 1 first").isEqualTo(ids.size());

      Fixture.publishRelease(k, c, 2);
      Fixture.Ledger during =
          Fixture.ledger(k, c, Duration.ofMinutes(2), l -> l.on(ids, 2) >= 16, Duration.ZERO);
      first.kill9();
      long relabelledBeforeKill = during.on(ids, 2);
      assertThat(relabelledBeforeKill)
          .as("killed while re-labelling: some images on release 2, not all")
          .isBetween(16L, ids.size() - 1L);

      second =
          ChildJvm.start(work.resolve("second.log"), args)
              .awaitLog("pipeline running", Duration.ofMinutes(2));
      Fixture.Ledger l =
          Fixture.ledger(
              k, c, Duration.ofMinutes(4), x -> x.on(ids, 2) == ids.size(), Duration.ofSeconds(3));
      System.out.printf(
          "RELIABILITY relabel-crash: in=%d on-release-2-at-kill=%d on-release-2=%d lost=%d doubled=%d dead-lettered=%d%n",
          ids.size(),
          relabelledBeforeKill,
          l.on(ids, 2),
          l.missing(ids).size(),
          l.doubled(ids).size(),
          l.deadLetters.size());
      assertThat(l.missing(ids)).as("images with no label").isEmpty();
      assertThat(l.doubled(ids)).as("images with two labels of one release").isEmpty();
      assertThat(l.deadLetters).isEmpty();
      assertThat(l.on(ids, 2)).as("re-labelling resumed and completed").isEqualTo(ids.size());
    } finally {
      if (second != null) {
        second.close();
      } else {
        first.close();
      }
    }
  }
}
