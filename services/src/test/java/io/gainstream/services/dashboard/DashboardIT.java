package io.gainstream.services.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.gainstream.model.image.ImageBytes;
import io.gainstream.model.labels.LabelPng;
import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.onnx.ModelInfo;
import io.gainstream.model.onnx.OnnxExporter;
import io.gainstream.model.synthetic.SyntheticDataset;
import io.gainstream.model.train.GainSettings;
import io.gainstream.model.train.GainTrainer;
import io.gainstream.model.train.Method;
import io.gainstream.proto.v1.ImageEvent;
import io.gainstream.proto.v1.ModelRelease;
import io.gainstream.services.kafka.KafkaConnection;
import io.gainstream.services.kafka.TestKafka;
import io.gainstream.services.kafka.TopicSetup;
import io.gainstream.services.pipeline.PipelineService;
import io.gainstream.topology.PipelineConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real headless Chromium against a running pipeline on the broker: the page
 * renders attention overlays, the release chart and the dead-letter counts, and a screenshot is
 * saved to {@code target/dashboard.png}.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DashboardIT {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final List<String> CLASSES = SyntheticDataset.classNames(3);
  private static final NetworkSpec SPEC = new NetworkSpec(64, 8, 3, 3);

  @TempDir Path tmp;

  private static ModelRelease release(PipelineConfig c, long version, float loss) {
    byte[] onnx;
    try (GainTrainer t =
        new GainTrainer(SPEC, GainSettings.defaults(Method.CAM).withSeed(version))) {
      onnx =
          OnnxExporter.export(
              t.network(), new ModelInfo(SPEC, CLASSES, "cam", version, 0, false, Map.of()));
    }
    return ModelRelease.newBuilder()
        .setName(c.modelName())
        .setVersion(version)
        .setOnnx(ByteString.copyFrom(onnx))
        .addAllClasses(CLASSES)
        .setInputHeight(64)
        .setInputWidth(64)
        .setMethod("cam")
        .setStep(100 * version)
        .putMetrics("loss", loss)
        .putMetrics("accuracy", 0.5f + 0.1f * version)
        .putMetrics("val_exact_match", 0.7 + 0.01 * version)
        .putMetrics("val_map", 0.8 + 0.01 * version)
        .setCreatedMs(System.currentTimeMillis())
        .build();
  }

  private String chromium(String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                CHROMIUM.toString(),
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--user-data-dir=" + tmp.resolve("chromium-profile"),
                "--window-size=1400,1100",
                "--virtual-time-budget=6000"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectError(tmp.resolve("chromium.log").toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("chromium finished").isTrue();
    return out;
  }

  private static int count(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  @Test
  void shouldRenderOverlaysReleasesAndDeadLettersInARealBrowser() throws Exception {
    assertThat(CHROMIUM).as("Debian's chromium (./run-tests installs it)").isExecutable();
    Map<String, Object> settings = new java.util.HashMap<>();
    settings.put(PipelineConfig.CLASSES_CONFIG, String.join(",", CLASSES));
    settings.put(PipelineConfig.MODEL_NAME_CONFIG, "dash");
    settings.put(PipelineConfig.BATCH_MAX_WAIT_MS_CONFIG, 100L);
    for (String t :
        List.of("images", "models", "proxy.labels", "training.samples", "dead.letters")) {
      settings.put("gainstream.topic." + t, "dash." + t.replace('.', '-'));
    }
    PipelineConfig c = new PipelineConfig(settings);
    try (TestKafka kafka = TestKafka.start(tmp.resolve("kafka"))) {
      KafkaConnection k = kafka.connection();
      TopicSetup.ensure(k, c, 2);
      DashboardState state = new DashboardState(CLASSES);
      try (PipelineService p =
              new PipelineService(
                      k, c, new PipelineService.Options("dash-app", tmp.resolve("state"), 1))
                  .start(Duration.ofMinutes(1));
          DashboardFeed feed = new DashboardFeed(k, c, state).start();
          DashboardServer server = DashboardServer.start("127.0.0.1", 0, state);
          KafkaProducer<String, byte[]> producer = new KafkaProducer<>(k.producer())) {
        producer
            .send(new ProducerRecord<>(c.modelsTopic(), "dash", release(c, 1, 0.9f).toByteArray()))
            .get();
        List<SyntheticDataset.Sample> samples =
            SyntheticDataset.generate(new SyntheticDataset.Spec(3, 64, 10, 0.3, false, 0.9, 77));
        for (int i = 0; i < samples.size(); i++) {
          SyntheticDataset.Sample s = samples.get(i);
          ImageEvent.Builder e =
              ImageEvent.newBuilder()
                  .setId(s.id())
                  .setImage(ByteString.copyFrom(ImageBytes.encode(s.image(), "png")));
          for (int k2 : s.classes()) {
            e.addLabels(CLASSES.get(k2 - 1));
          }
          if (i % 2 == 0) {
            e.setPixelLabel(ByteString.copyFrom(LabelPng.writePalette(s.mask(), 64, 64)));
          }
          producer
              .send(new ProducerRecord<>(c.imagesTopic(), s.id(), e.build().toByteArray()))
              .get();
          if (i == 5) {
            producer
                .send(
                    new ProducerRecord<>(
                        c.modelsTopic(), "dash", release(c, 2, 0.6f).toByteArray()))
                .get();
          }
        }
        producer
            .send(
                new ProducerRecord<>(
                    c.imagesTopic(),
                    "zebra",
                    ImageEvent.newBuilder()
                        .setId("zebra")
                        .setImage(ByteString.copyFrom(new byte[] {1, 2, 3}))
                        .addLabels("zebra")
                        .build()
                        .toByteArray()))
            .get();
        producer
            .send(new ProducerRecord<>(c.imagesTopic(), "garbage", new byte[] {(byte) 0xff, 0x13}))
            .get();

        await("every image labelled, both dead letters and two releases on the dashboard")
            .atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofMillis(200))
            .until(
                () ->
                    state.labels() >= samples.size()
                        && state.deadLetters() >= 2
                        && state.releases() >= 2);

        String dom = chromium("--dump-dom", server.url());
        Path shot = Path.of("target", "dashboard.png").toAbsolutePath();
        Files.deleteIfExists(shot);
        chromium("--screenshot=" + shot, server.url());

        assertThat(dom).as("the script ran and filled the page").contains("data-updated=");
        assertThat(
                count(dom, "<img[^>]*class=\"overlay\"[^>]*src=\"data:image/png;base64,")
                    + count(
                        dom, "<img[^>]*src=\"data:image/png;base64,[^\"]*\"[^>]*class=\"overlay\""))
            .as("attention overlays")
            .isGreaterThanOrEqualTo(samples.size());
        assertThat(count(dom, "class=\"label\""))
            .as("proxy labels")
            .isGreaterThanOrEqualTo(samples.size());
        assertThat(count(dom, "class=\"loss-point\""))
            .as("one point per release on the release chart")
            .isEqualTo(2);
        assertThat(count(dom, "class=\"miou-point\""))
            .as("mIoU only where pixel labels were scored")
            .isBetween(1, 2);
        assertThat(count(dom, "class=\"axis\"")).as("two axes on each chart").isEqualTo(4);
        assertThat(dom)
            .as("the release chart names its lines and its range")
            .contains("training loss (0 to <span id=\"loss-max\">0.")
            .contains("mIoU where pixel labels were seen (0 to 1)")
            .containsPattern("<span id=\"release-range\">v1 to v2</span>");
        assertThat(dom)
            .as("held-out validation of each release")
            .contains("<td class=\"n\">0.720</td><td class=\"n\">0.820</td>")
            .contains("<td class=\"n\">0.710</td><td class=\"n\">0.810</td>");
        assertThat(dom)
            .containsPattern(
                "<tr class=\"reason\"><td>UNKNOWN_CLASS</td><td class=\"n\">1</td></tr>");
        assertThat(dom)
            .containsPattern(
                "<tr class=\"reason\"><td>NOT_PROTOBUF</td><td class=\"n\">1</td></tr>");
        assertThat(count(dom, "<tr class=\"reason\">"))
            .as("exactly the two reasons published")
            .isEqualTo(2);
        assertThat(shot).as("screenshot").exists();
        assertThat(Files.size(shot)).isGreaterThan(20_000);
      }
    }
  }
}
