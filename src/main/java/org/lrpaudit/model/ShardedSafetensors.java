package org.lrpaudit.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A sharded checkpoint: model.safetensors.index.json, whose weight_map names the shard file of every tensor
 * (model-00001-of-00002.safetensors, ...). Each shard is read as a {@link SafetensorsFile}; shard names must be plain file
 * names in the checkpoint's folder.
 */
public final class ShardedSafetensors implements TensorSource {
  public static final String INDEX = "model.safetensors.index.json";

  private final Path index;
  private final Map<String, String> weightMap;
  private final Map<String, SafetensorsFile> shards;

  private ShardedSafetensors(Path index, Map<String, String> weightMap, Map<String, SafetensorsFile> shards) {
    this.index = index;
    this.weightMap = weightMap;
    this.shards = shards;
  }

  public static ShardedSafetensors open(Path index) {
    JsonNode map;
    try {
      map = new ObjectMapper().readTree(index.toFile()).get("weight_map");
    } catch (IOException e) {
      throw new CheckpointException(index + ": not valid JSON (" + e.getMessage() + ")", e);
    }
    if (map == null || !map.isObject() || map.isEmpty()) {
      throw new CheckpointException(index + ": no weight_map");
    }
    Map<String, String> weightMap = new LinkedHashMap<>();
    Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
    try {
      for (var it = map.fields(); it.hasNext(); ) {
        var f = it.next();
        String shard = f.getValue().asText();
        if (!shard.matches("[A-Za-z0-9._-]+\\.safetensors")) {
          throw new CheckpointException(index + ": shard '" + shard + "' of tensor '" + f.getKey()
              + "' is not a .safetensors file name in the model folder");
        }
        weightMap.put(f.getKey(), shard);
        if (!shards.containsKey(shard)) {
          shards.put(shard, SafetensorsFile.open(index.resolveSibling(shard)));
        }
      }
      for (var e : weightMap.entrySet()) {
        if (shards.get(e.getValue()).entry(e.getKey()) == null) {
          throw new CheckpointException(index + ": tensor '" + e.getKey() + "' is not in its shard " + e.getValue());
        }
      }
    } catch (RuntimeException e) {
      shards.values().forEach(SafetensorsFile::close);
      throw e;
    }
    return new ShardedSafetensors(index, weightMap, shards);
  }

  /** The shard files, in index order. */
  public Set<String> shardNames() {
    return shards.keySet();
  }

  @Override
  public String where() {
    return index.toString();
  }

  @Override
  public Set<String> names() {
    return weightMap.keySet();
  }

  @Override
  public SafetensorsFile.Entry entry(String name) {
    String shard = weightMap.get(name);
    return shard == null ? null : shards.get(shard).entry(name);
  }

  @Override
  public float[] readFloats(String name) {
    String shard = weightMap.get(name);
    if (shard == null) {
      throw new CheckpointException(index + ": tensor '" + name + "' is missing");
    }
    return shards.get(shard).readFloats(name);
  }

  @Override
  public void close() {
    shards.values().forEach(SafetensorsFile::close);
  }
}
