package io.gainstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unusable arguments get a one-line reason and a non-zero exit, before anything starts. */
class CliArgumentsTest {
  @TempDir Path tmp;

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  private String[] label(Path images, Path labels, Path classes, String... more) {
    String[] base = {
      "label",
      "--images",
      images.toString(),
      "--labels",
      labels.toString(),
      "--classes",
      classes.toString(),
      "--out",
      tmp.resolve("out").toString()
    };
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  @Test
  void shouldRefuseAMissingImagesFolder() throws Exception {
    Path csv = Files.writeString(tmp.resolve("l.csv"), "image,labels\n");
    Path classes = Files.writeString(tmp.resolve("c.txt"), "boat\n");
    CliRun r = run(label(tmp.resolve("nope"), csv, classes));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo("gainstream: --images " + tmp.resolve("nope") + " is not a folder");
  }

  /** {@code label} on an empty folder, an empty CSV and one class, with {@code more} options. */
  private String[] emptyLabel(String... more) throws Exception {
    Path csv = Files.writeString(tmp.resolve("l.csv"), "image,labels\n");
    Path classes = Files.writeString(tmp.resolve("c.txt"), "boat\n");
    Path images = Files.createDirectories(tmp.resolve("images"));
    return label(images, csv, classes, more);
  }

  @Test
  void shouldRefuseAFileThatIsNoMaskModelWithOneLine() throws Exception {
    Path classifier =
        Files.write(
            tmp.resolve("classifier.onnx"), io.gainstream.model.onnx.TestBackbones.resnetLike(1));
    CliRun r = run(emptyLabel("--mask-model", classifier.toString()));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "gainstream: mask model "
                + classifier
                + ": the mask model has no output named 'output' and not exactly one of one channel"
                + " (name it with gainstream.mask.output)");
    CliRun fusion = run(emptyLabel("--fusion", "crf"));
    assertThat(fusion.code()).isEqualTo(2);
    assertThat(fusion.err())
        .isEqualTo("gainstream: --fusion must be hysteresis, threshold or regions, got crf");
  }

  @Test
  void shouldRefuseAnUnknownRefinementWithOneLine() throws Exception {
    CliRun r = run(emptyLabel("--refine", "bilateral"));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("gainstream: --refine must be crf, walk or none, got bilateral");
  }

  @Test
  void shouldRefuseTooFewImagesToTrainAndValidateWithOneLine() throws Exception {
    Path csv = tmp.resolve("l.csv");
    StringBuilder rows = new StringBuilder("image,labels\n");
    for (int i = 0; i < 23; i++) {
      rows.append("i").append(i).append(".png,boat\n");
    }
    Files.writeString(csv, rows);
    Path classes = Files.writeString(tmp.resolve("c.txt"), "boat\n");
    CliRun r = run(label(Files.createDirectories(tmp.resolve("images")), csv, classes));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "gainstream: "
                + csv
                + " lists 23 images: training needs at least 24 to hold 8 out for validation and train on twice as many; "
                + "label fewer with a release trained elsewhere (--model FILE.onnx)");
  }

  @Test
  void shouldRefuseTimeoutsThatCannotWorkTogetherAndUnknownSettingsWithOneLine() throws Exception {
    CliRun r =
        run(
            emptyLabel(
                "--set",
                "gainstream.transaction.timeout.ms=2000",
                "--set",
                "gainstream.batch.budget.ms=1500"));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "gainstream: --set: gainstream.batch.budget.ms (1500 ms) plus gainstream.commit.interval.ms (200 ms) "
                + "must be at most half of gainstream.transaction.timeout.ms (2000 ms), or transactions time out");
    CliRun unknown = run(emptyLabel("--set", "gainstream.batch.size=4"));
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err())
        .isEqualTo("gainstream: --set gainstream.batch.size: not a gainstream.* pipeline setting");
  }

  /** A cluster node needs its quorum, port and cluster id, and must be one of the quorum. */
  @Test
  void shouldRefuseAnIncompleteClusterNodeWithOneLine() {
    String work = tmp.resolve("w").toString();
    CliRun alone = run("broker", "--work-dir", work, "--node-id", "1");
    assertThat(alone.code()).isEqualTo(2);
    assertThat(alone.err())
        .isEqualTo("gainstream: --node-id needs --quorum, --port and --cluster-id");
    CliRun stray = run("broker", "--work-dir", work, "--port", "9092");
    assertThat(stray.code()).isEqualTo(2);
    assertThat(stray.err())
        .isEqualTo("gainstream: --quorum, --port and --cluster-id go with --node-id");
    CliRun outside =
        run(
            "broker",
            "--work-dir",
            work,
            "--node-id",
            "4",
            "--quorum",
            "1@127.0.0.1:19093,2@127.0.0.1:19094",
            "--port",
            "19092",
            "--cluster-id",
            "nVDDJv7eSQibX0iDSWCFTA");
    assertThat(outside.code()).isEqualTo(2);
    assertThat(outside.err())
        .isEqualTo("gainstream: --quorum [1@127.0.0.1:19093, 2@127.0.0.1:19094] has no node 4");
    CliRun badId =
        run(
            "broker",
            "--work-dir",
            work,
            "--node-id",
            "1",
            "--quorum",
            "1@127.0.0.1:19093",
            "--port",
            "19092",
            "--cluster-id",
            "my-cluster");
    assertThat(badId.code()).isEqualTo(2);
    assertThat(badId.err())
        .isEqualTo(
            "gainstream: --cluster-id must be a base64 UUID (kafka-storage.sh random-uuid), got 'my-cluster'");
  }

  @Test
  void shouldRefuseATrainingThreadCountOutOfRangeWithOneLine() throws Exception {
    CliRun r = run(emptyLabel("--train-threads", "0"));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("gainstream: --train-threads must be in [1, 256], got 0");
    CliRun t =
        run("trainer", "--classes", tmp.resolve("c.txt").toString(), "--train-threads", "300");
    assertThat(t.code()).isEqualTo(2);
    assertThat(t.err()).isEqualTo("gainstream: --train-threads must be in [1, 256], got 300");
  }

  @Test
  void shouldRefuseAWeightAveragingDecayOutOfRangeWithOneLine() throws Exception {
    CliRun r = run(emptyLabel("--weight-averaging", "1"));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("gainstream: --weight-averaging must be in [0, 1), got 1.0");
    CliRun t =
        run("trainer", "--classes", tmp.resolve("c.txt").toString(), "--weight-averaging", "-0.5");
    assertThat(t.code()).isEqualTo(2);
    assertThat(t.err()).isEqualTo("gainstream: --weight-averaging must be in [0, 1), got -0.5");
  }

  @Test
  void shouldRefuseBadTestTimeScalesWithOneLine() throws Exception {
    CliRun r = run(emptyLabel("--tta-scales", "1.5,2"));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo("gainstream: --tta-scales: test-time scales must include 1, got [1.5, 2.0]");
    CliRun p =
        run("pipeline", "--classes", tmp.resolve("c.txt").toString(), "--tta-scales", "1,abc");
    assertThat(p.code()).isEqualTo(2);
    assertThat(p.err())
        .isEqualTo(
            "gainstream: --tta-scales: test-time scales are comma-separated numbers such as 1,1.5, got '1,abc'");
  }

  @Test
  void shouldRefuseASavedModelOfOtherClassesOrNoModelAtAllWithOneLine() throws Exception {
    io.gainstream.model.net.NetworkSpec spec = new io.gainstream.model.net.NetworkSpec(16, 2, 2, 2);
    Path model = Files.write(tmp.resolve("m.onnx"), release(spec, List.of("cat", "dog")));
    CliRun r = run(emptyLabel("--model", model.toString()));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "gainstream: --model "
                + model
                + " was trained on classes [cat, dog], --classes names [boat]");
    Path junk = Files.writeString(tmp.resolve("junk.onnx"), "not a model");
    CliRun j = run(emptyLabel("--model", junk.toString()));
    assertThat(j.code()).isEqualTo(2);
    assertThat(j.err())
        .startsWith("gainstream: --model " + junk + ": not an ONNX model")
        .doesNotContain("\n");
  }

  @Test
  void shouldRefuseAnInitReleaseThatDoesNotFitTheTrainerWithOneLine() throws Exception {
    Path classes = Files.writeString(tmp.resolve("c.txt"), "boat\n");
    Path other =
        Files.write(
            tmp.resolve("other.onnx"),
            release(new io.gainstream.model.net.NetworkSpec(16, 2, 2, 2), List.of("cat", "dog")));
    CliRun r = run("trainer", "--classes", classes.toString(), "--init", other.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "gainstream: --init "
                + other
                + " was trained on classes [cat, dog], this trainer has [boat]");
    // the right class, another network: the trainer's is 64 pixels, 16 wide, 3 deep
    Path narrow =
        Files.write(
            tmp.resolve("narrow.onnx"),
            release(new io.gainstream.model.net.NetworkSpec(64, 8, 3, 1), List.of("boat")));
    CliRun n = run("trainer", "--classes", classes.toString(), "--init", narrow.toString());
    assertThat(n.code()).isEqualTo(2);
    assertThat(n.err())
        .startsWith("gainstream: --init " + narrow + ": model spec")
        .doesNotContain("\n");
    Path junk = Files.writeString(tmp.resolve("junk.onnx"), "not a model");
    CliRun j = run("trainer", "--classes", classes.toString(), "--init", junk.toString());
    assertThat(j.code()).isEqualTo(2);
    assertThat(j.err())
        .startsWith("gainstream: --init " + junk + ": not an ONNX model")
        .doesNotContain("\n");
  }

  private static byte[] release(io.gainstream.model.net.NetworkSpec spec, List<String> classes) {
    try (io.gainstream.model.train.GainTrainer t =
        new io.gainstream.model.train.GainTrainer(
            spec,
            io.gainstream.model.train.GainSettings.defaults(
                io.gainstream.model.train.Method.CAM))) {
      return io.gainstream.model.onnx.OnnxExporter.export(
          t.network(),
          new io.gainstream.model.onnx.ModelInfo(
              spec, classes, "cam", 1, 0, false, java.util.Map.of()));
    }
  }

  @Test
  void shouldRefuseAnUnknownOptionWithAHint() {
    CliRun r = run("label", "--bogus");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().lines().count()).isEqualTo(1);
    assertThat(r.err()).startsWith("gainstream: ").contains("--help");
  }

  @Test
  void shouldRefuseACsvWithoutTheHeaderAndAnUnknownMethod() throws Exception {
    Path images = Files.createDirectories(tmp.resolve("img"));
    Path csv = Files.writeString(tmp.resolve("l.csv"), "file;classes\na.png;boat\n");
    Path classes = Files.writeString(tmp.resolve("c.txt"), "boat\n");
    CliRun r = run(label(images, csv, classes));
    assertThat(r.code()).isNotZero();
    assertThat(r.err().lines().count()).isEqualTo(1);
    assertThat(r.err()).contains("header 'image,labels'");

    Path good = Files.writeString(tmp.resolve("g.csv"), "image,labels\n");
    CliRun m = run(label(images, good, classes, "--method", "gradcam"));
    assertThat(m.code()).isEqualTo(2);
    assertThat(m.err())
        .isEqualTo(
            "gainstream: unknown method 'gradcam', expected one of cam, gain, gain-ext, abn, seenet");
  }

  @Test
  void shouldAskGainExtForPixelLabels() throws Exception {
    Path images = Files.createDirectories(tmp.resolve("img"));
    Path csv = Files.writeString(tmp.resolve("l.csv"), "image,labels\n");
    Path classes = Files.writeString(tmp.resolve("c.txt"), "boat\n");
    CliRun r = run(label(images, csv, classes, "--method", "gain-ext"));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--masks");
  }

  @Test
  void shouldPrintHelpForEveryCommand() {
    for (String cmd :
        new String[] {
          "label", "demo", "publish", "export", "pipeline", "trainer", "dashboard", "broker"
        }) {
      CliRun r = run(cmd, "--help");
      assertThat(r.code()).as(cmd).isZero();
      assertThat(r.out()).as(cmd).contains("Usage: gainstream " + cmd);
    }
  }

  @Test
  void shouldBindEveryHttpEndpointToLocalhostByDefault() {
    picocli.CommandLine cli = new picocli.CommandLine(new Gainstream());
    for (String[] c :
        new String[][] {
          {"pipeline", "--metrics-bind"}, {"trainer", "--metrics-bind"}, {"dashboard", "--bind"}
        }) {
      picocli.CommandLine.Model.OptionSpec o =
          cli.getSubcommands().get(c[0]).getCommandSpec().findOption(c[1]);
      assertThat(o).as("%s %s", c[0], c[1]).isNotNull();
      assertThat(o.defaultValue()).as("%s %s", c[0], c[1]).isEqualTo("127.0.0.1");
    }
  }

  /**
   * A one-node classifier graph: {@code op} on a rank-{@code rank} input, then optionally
   * GlobalAveragePool.
   */
  private Path graph(String name, String op, int rank, boolean pool) throws Exception {
    ai.onnx.proto.OnnxMl.TensorShapeProto.Builder shape =
        ai.onnx.proto.OnnxMl.TensorShapeProto.newBuilder();
    for (int d = 0; d < rank; d++) {
      shape.addDim(
          ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension.newBuilder()
              .setDimValue(d == 1 || rank == 3 && d == 0 ? 3 : 8));
    }
    ai.onnx.proto.OnnxMl.GraphProto.Builder g =
        ai.onnx.proto.OnnxMl.GraphProto.newBuilder()
            .addInput(
                ai.onnx.proto.OnnxMl.ValueInfoProto.newBuilder()
                    .setName("x")
                    .setType(
                        ai.onnx.proto.OnnxMl.TypeProto.newBuilder()
                            .setTensorType(
                                ai.onnx.proto.OnnxMl.TypeProto.Tensor.newBuilder()
                                    .setElemType(1)
                                    .setShape(shape))))
            .addNode(
                ai.onnx.proto.OnnxMl.NodeProto.newBuilder()
                    .setOpType(op)
                    .setName("the-" + op)
                    .addInput("x")
                    .addOutput("f"));
    if (pool) {
      g.addNode(
          ai.onnx.proto.OnnxMl.NodeProto.newBuilder()
              .setOpType("GlobalAveragePool")
              .setName("pool")
              .addInput("f")
              .addOutput("y"));
    }
    byte[] model =
        ai.onnx.proto.OnnxMl.ModelProto.newBuilder()
            .setIrVersion(8)
            .addOpsetImport(ai.onnx.proto.OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13))
            .setGraph(g)
            .build()
            .toByteArray();
    return Files.write(tmp.resolve(name), model);
  }

  @Test
  void shouldRefuseUnusableBackboneFilesWithOneLine() throws Exception {
    Path images = Files.createDirectories(tmp.resolve("img"));
    Path csv = Files.writeString(tmp.resolve("l.csv"), "image,labels\n");
    Path classes = Files.writeString(tmp.resolve("c.txt"), "boat\n");
    Path notOnnx = Files.writeString(tmp.resolve("not.onnx"), "hello, I am not a model");
    String[][] cases = {
      {notOnnx.toString(), "not an ONNX model"},
      {
        graph("softplus.onnx", "Softplus", 4, true).toString(),
        "unsupported op Softplus at node 'the-Softplus'"
      },
      {graph("nopool.onnx", "Relu", 4, false).toString(), "no global average pooling"},
      {
        graph("rank3.onnx", "Relu", 3, true).toString(),
        "input 'x' has rank 3, expected 4 ([N, 3, H, W])"
      },
    };
    for (String[] c : cases) {
      CliRun r = run(label(images, csv, classes, "--backbone", c[0]));
      assertThat(r.code()).as(c[0]).isEqualTo(2);
      assertThat(r.err().lines().count()).as(r.err()).isEqualTo(1);
      assertThat(r.err()).startsWith("gainstream: --backbone " + c[0] + ": ").contains(c[1]);
    }
  }

  @Test
  void shouldRefuseABadBackboneSettingOfTheTrainerWithOneLine() throws Exception {
    Path classes = Files.writeString(tmp.resolve("c.txt"), "boat\n");
    Path notOnnx = Files.writeString(tmp.resolve("not.onnx"), "hello, I am not a model");
    CliRun r =
        run(
            "trainer",
            "--classes",
            classes.toString(),
            "--set",
            "gainstream.backbone.file=" + notOnnx);
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().lines().count()).as(r.err()).isEqualTo(1);
    assertThat(r.err())
        .startsWith("gainstream: gainstream.backbone.file " + notOnnx + ": ")
        .contains("not an ONNX model");

    CliRun missing =
        run(
            "trainer",
            "--classes",
            classes.toString(),
            "--set",
            "gainstream.backbone.file=" + tmp.resolve("nowhere.onnx"));
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err())
        .startsWith("gainstream: gainstream.backbone.file ")
        .contains("is not a readable file");

    CliRun mode =
        run(
            "trainer",
            "--classes",
            classes.toString(),
            "--set",
            "gainstream.backbone.fine.tune=most");
    assertThat(mode.code()).isEqualTo(2);
    assertThat(mode.err().lines().count()).as(mode.err()).isEqualTo(1);
    assertThat(mode.err()).contains("gainstream.backbone.fine.tune");
  }
}
