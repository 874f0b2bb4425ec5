package io.gainstream.topology;

import io.gainstream.proto.v1.DeadLetter;
import io.gainstream.proto.v1.ImageEvent;
import io.gainstream.proto.v1.ModelRelease;
import io.gainstream.proto.v1.ProxyLabel;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The pipeline's topics, typed. Keys are UTF-8 strings: the image id, or the model name on {@code
 * models}.
 */
public record Topics(
    Topic<String, ImageEvent> images,
    Topic<String, ModelRelease> models,
    Topic<String, ProxyLabel> proxyLabels,
    Topic<String, ImageEvent> trainingSamples,
    Topic<String, DeadLetter> deadLetters) {

  public static Topics of(PipelineConfig c) {
    return new Topics(
        images(c.imagesTopic()),
        models(c.modelsTopic()),
        new Topic<>(c.proxyLabelsTopic(), Serdes.String(), ProtoSerde.of(ProxyLabel.parser())),
        images(c.trainingSamplesTopic()),
        new Topic<>(c.deadLettersTopic(), Serdes.String(), ProtoSerde.of(DeadLetter.parser())));
  }

  /**
   * A topic of image events by its name: {@code images} and {@code training-samples} carry the same
   * type, and services that publish to one of them know only its name.
   */
  public static Topic<String, ImageEvent> images(String name) {
    return new Topic<>(name, Serdes.String(), ProtoSerde.of(ImageEvent.parser()));
  }

  /**
   * The model-release topic by its name (the trainer knows its name, not the pipeline's config).
   */
  public static Topic<String, ModelRelease> models(String name) {
    return new Topic<>(name, Serdes.String(), ProtoSerde.of(ModelRelease.parser()));
  }
}
