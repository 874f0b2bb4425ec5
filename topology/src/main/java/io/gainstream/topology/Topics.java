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
        new Topic<>(c.imagesTopic(), Serdes.String(), ProtoSerde.of(ImageEvent.parser())),
        new Topic<>(c.modelsTopic(), Serdes.String(), ProtoSerde.of(ModelRelease.parser())),
        new Topic<>(c.proxyLabelsTopic(), Serdes.String(), ProtoSerde.of(ProxyLabel.parser())),
        new Topic<>(c.trainingSamplesTopic(), Serdes.String(), ProtoSerde.of(ImageEvent.parser())),
        new Topic<>(c.deadLettersTopic(), Serdes.String(), ProtoSerde.of(DeadLetter.parser())));
  }
}
