package io.gainstream.topology;

import io.gainstream.topology.errors.DeadLetterHandlers;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The Kafka Streams settings the pipeline's guarantees rest on: exactly-once v2, the three
 * dead-letter handlers (set explicitly), the dead-letter topic, and message sizes large enough for
 * images and releases. Services add the cluster, application id, state directory and threads.
 */
public final class StreamsSettings {
  /** Largest record the pipeline's clients send or fetch (images, releases, labels). */
  public static final int MAX_RECORD_BYTES = 32 << 20;

  private StreamsSettings() {}

  public static Map<String, Object> pipeline(PipelineConfig config) {
    Map<String, Object> p = new HashMap<>();
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, config.deadLettersTopic());
    p.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetterHandlers.Deserialization.class);
    p.put(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetterHandlers.Processing.class);
    p.put(
        StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetterHandlers.Production.class);
    // the models global store's updater is covered by the processing handler too
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    // Streams' partition assignor rebuilds a StreamsConfig from the main consumer's configs, which
    // drop every setting that is not a consumer's, so it warned at every start that the handler was
    // off for the GlobalThread. The prefixed copy reaches it (and the consumer ignores it).
    p.put(
        StreamsConfig.mainConsumerPrefix(
            StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG),
        true);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), MAX_RECORD_BYTES);
    // labels and masks are PNG already: compressing them again costs CPU (here and in the broker)
    // and saves nothing
    p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "none");
    p.put(
        StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG),
        MAX_RECORD_BYTES);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_BYTES_CONFIG), MAX_RECORD_BYTES);
    p.put(
        StreamsConfig.globalConsumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG),
        MAX_RECORD_BYTES);
    p.put(
        StreamsConfig.globalConsumerPrefix(ConsumerConfig.FETCH_MAX_BYTES_CONFIG),
        MAX_RECORD_BYTES);
    p.put(StreamsConfig.topicPrefix("max.message.bytes"), MAX_RECORD_BYTES);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitIntervalMs());
    // the timeouts the attention stage sizes its batches against (PipelineConfig checks they agree)
    p.put(
        StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
        (int) config.transactionTimeoutMs());
    p.put(
        StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG),
        (int) config.maxPollIntervalMs());
    // room for several full micro-batches of buffered images in the record cache (see the buffer
    // store)
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 64L << 20);
    return p;
  }
}
