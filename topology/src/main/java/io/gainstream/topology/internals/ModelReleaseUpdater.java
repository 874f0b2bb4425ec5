package io.gainstream.topology.internals;

import io.gainstream.proto.v1.ModelRelease;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global {@code models} store at the newest release per model name. A release whose
 * version is not above the stored one is ignored, so the attention stage never goes back.
 */
public final class ModelReleaseUpdater implements Processor<String, ModelRelease, Void, Void> {
  private static final Logger LOG = LoggerFactory.getLogger(ModelReleaseUpdater.class);
  private final String storeName;
  private KeyValueStore<String, ModelRelease> store;

  public ModelReleaseUpdater(String storeName) {
    this.storeName = storeName;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(storeName);
  }

  @Override
  public void process(Record<String, ModelRelease> record) {
    ModelRelease r = record.value();
    if (record.key() == null || r == null || r.getOnnx().isEmpty()) {
      LOG.warn("ignoring model record without key or ONNX bytes");
      return;
    }
    ModelRelease current = store.get(record.key());
    if (current != null && current.getVersion() >= r.getVersion()) {
      LOG.info(
          "ignoring release {} of {}: version {} is already current",
          r.getVersion(),
          record.key(),
          current.getVersion());
      return;
    }
    store.put(record.key(), r);
  }
}
