package io.gainstream.cli;

import io.gainstream.services.io.ImagePublisher;
import io.gainstream.services.io.LabelsCsv;
import io.gainstream.services.kafka.KafkaConnection;
import io.gainstream.services.kafka.TopicSetup;
import io.gainstream.topology.PipelineConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gainstream publish}: a folder of labelled images → the images topic. */
@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    description = "Publishes a folder of labelled images to the images topic.")
final class PublishCommand implements Callable<Integer> {
  @Option(
      names = "--images",
      required = true,
      paramLabel = "DIR",
      description = "Folder of PNG/JPEG images.")
  Path images;

  @Option(
      names = "--labels",
      required = true,
      paramLabel = "FILE.csv",
      description = "CSV with header image,labels.")
  Path labels;

  @Option(
      names = "--masks",
      paramLabel = "DIR",
      description = "Pixel labels <image stem>.png for some images.")
  Path masks;

  @Option(
      names = "--topic",
      defaultValue = "images",
      description = "Images topic. Default: ${DEFAULT-VALUE}.")
  String topic;

  @Option(
      names = "--partitions",
      defaultValue = "4",
      description = "Partitions when the topics are created. Default: ${DEFAULT-VALUE}.")
  int partitions;

  @Mixin KafkaOptions kafka;

  @Override
  public Integer call() throws Exception {
    LabelCommand.requireDir(images, "--images");
    LabelCommand.requireFile(labels, "--labels");
    List<LabelsCsv.Row> rows = LabelsCsv.read(labels);
    KafkaConnection connection = kafka.open();
    TopicSetup.ensure(
        connection,
        new PipelineConfig(
            Map.of(
                PipelineConfig.CLASSES_CONFIG,
                "unused",
                PipelineConfig.IMAGES_TOPIC_CONFIG,
                topic)),
        partitions);
    ImagePublisher.Result r;
    try (ProgressBar bar = Bars.bar("publish", rows.size())) {
      r = ImagePublisher.publish(connection, topic, images, rows, masks, bar::step);
    }
    System.out.printf(
        "published %d images to %s; %d rejected%n",
        r.published().size(), topic, r.rejected().size());
    if (r.orientationNote() != null) {
      System.out.println(r.orientationNote());
    }
    for (ImagePublisher.Rejected x : r.rejected()) {
      System.out.printf("  %s: %s (%s)%n", x.image(), x.reason(), x.detail());
    }
    return 0;
  }
}
