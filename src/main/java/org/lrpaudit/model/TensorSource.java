package org.lrpaudit.model;

import java.util.Set;

/** Named tensors of a checkpoint: one safetensors file, or the shards of a sharded checkpoint. */
public interface TensorSource extends AutoCloseable {
  /** Where the tensors come from, for messages. */
  String where();

  Set<String> names();

  /** The tensor's header entry, or null. */
  SafetensorsFile.Entry entry(String name);

  /** The tensor's values as float32, row-major. */
  float[] readFloats(String name);

  @Override
  void close();
}
