package org.lrpaudit.model.onnx;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes small ONNX files shaped like a torch.onnx.export of HuggingFace's BertModel, straight in the protobuf wire format.
 * The graphs are not meant to run: they hold the nodes and initializers the importer reads (named MatMuls consuming
 * anonymous [in, out] matrices, bias Adds, attention Reshapes, decomposed or fused LayerNorms, GELU ops), with seeded
 * random weights, and can be damaged on purpose (a MatMul left out, external data, an extra task head).
 */
final class SyntheticOnnx {
  /** How one initializer is encoded in the file. */
  enum Encoding { RAW_FLOAT, FLOAT_DATA_PACKED, FLOAT_DATA_UNPACKED, RAW_FLOAT16, DOUBLE_DATA }

  int vocab;
  int hidden = 8;
  int heads = 2;
  int layers = 2;
  int ffn = 16;
  int positions = 16;
  long seed = 5;
  String prefix = "";
  float eps = 1e-7f;
  boolean fusedLayerNorm = false; // LayerNormalization nodes with an epsilon attribute instead of the decomposed form
  boolean constantReshape = false; // Reshape to a constant [0, 0, heads, head size] instead of Concat(...)
  boolean showHeads = true; // false: no attention Reshape at all
  boolean tanhGelu = false;
  boolean pooler = false;
  boolean extraHead = false; // a classifier MatMul on top, which the importer must refuse
  boolean externalData = false; // one initializer marked data_location = EXTERNAL
  String skipMatMul = null; // e.g. "1/attention/self/key": that MatMul node is left out
  Encoding matrixEncoding = Encoding.RAW_FLOAT;

  /** What was written, under the names the importer should produce (matrices as stored, [in, out]). */
  final Map<String, float[]> values = new LinkedHashMap<>();

  private final Random rnd = new Random();
  private final List<byte[]> nodes = new ArrayList<>();
  private final List<byte[]> inits = new ArrayList<>();
  private int counter = 700;
  private boolean externalWritten;

  SyntheticOnnx(int vocab) {
    this.vocab = vocab;
  }

  Path write(Path file) {
    try {
      Files.write(file, build());
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  byte[] build() throws IOException {
    rnd.setSeed(seed);
    values.clear();
    nodes.clear();
    inits.clear();
    externalWritten = false;
    int d = hidden;
    String h = named("embeddings.word_embeddings.weight", "bert.embeddings.word_embeddings.weight", vocab, d);
    named("embeddings.position_embeddings.weight", "bert.embeddings.position_embeddings.weight", positions, d);
    named("embeddings.token_type_embeddings.weight", "bert.embeddings.token_type_embeddings.weight", 2, d);
    node("/embeddings/word_embeddings/Gather", "Gather", List.of(h, "input_ids"), List.of("/emb/word"));
    node("/embeddings/position_embeddings/Gather", "Gather",
        List.of(prefix + "embeddings.position_embeddings.weight", "/emb/pos_ids"), List.of("/emb/pos"));
    node("/embeddings/token_type_embeddings/Gather", "Gather",
        List.of(prefix + "embeddings.token_type_embeddings.weight", "token_type_ids"), List.of("/emb/type"));
    node("/embeddings/Add", "Add", List.of("/emb/word", "/emb/type"), List.of("/emb/sum"));
    String x = layerNorm("/embeddings/LayerNorm", "embeddings.LayerNorm", "/emb/sum", d);
    for (int i = 0; i < layers; i++) {
      String p = "/encoder/layer." + i + "/";
      String q = linear(i, "attention/self/query", x, d, d);
      String k = linear(i, "attention/self/key", x, d, d);
      String v = linear(i, "attention/self/value", x, d, d);
      for (String[] qkv : new String[][] {{q, "Reshape_2"}, {k, "Reshape"}, {v, "Reshape_1"}}) {
        if (showHeads) {
          reshape(p + "attention/self/" + qkv[1], qkv[0]);
        }
      }
      node(p + "attention/self/MatMul_1", "MatMul", List.of("/probs" + i, "/values" + i), List.of("/ctx" + i));
      String o = linear(i, "attention/output/dense", "/ctx" + i, d, d);
      node(p + "attention/output/Add", "Add", List.of(o, x), List.of(p + "attention/output/Add_output_0"));
      String h1 = layerNorm(p + "attention/output/LayerNorm", "encoder.layer." + i + ".attention.output.LayerNorm",
          p + "attention/output/Add_output_0", d);
      String inner = linear(i, "intermediate/dense", h1, d, ffn);
      String act = gelu(p + "intermediate/intermediate_act_fn/", inner);
      String o2 = linear(i, "output/dense", act, ffn, d);
      node(p + "output/Add", "Add", List.of(o2, h1), List.of(p + "output/Add_output_0"));
      x = layerNorm(p + "output/LayerNorm", "encoder.layer." + i + ".output.LayerNorm", p + "output/Add_output_0", d);
    }
    node("/Identity", "Identity", List.of(x), List.of("last_hidden_state"));
    if (pooler) {
      node("/pooler/Gather", "Gather", List.of(x, "/zero"), List.of("/pooler/cls"));
      String pooled = projection("/pooler/dense", "bert.pooler.dense", prefix + "pooler.dense.bias", "/pooler/cls", d, d);
      node("/pooler/activation/Tanh", "Tanh", List.of(pooled), List.of("pooler_output"));
    }
    if (extraHead) {
      projection("/classifier", "classifier", "classifier.bias", x, d, 2);
    }

    ByteArrayOutputStream graphBytes = new ByteArrayOutputStream();
    CodedOutputStream g = CodedOutputStream.newInstance(graphBytes);
    for (byte[] n : nodes) {
      g.writeByteArray(1, n);
    }
    g.writeString(2, "main_graph");
    for (byte[] t : inits) {
      g.writeByteArray(5, t);
    }
    for (String in : List.of("input_ids", "attention_mask", "token_type_ids")) {
      g.writeByteArray(11, message(c -> c.writeString(1, in)));
    }
    g.writeByteArray(12, message(c -> c.writeString(1, "last_hidden_state")));
    g.flush();

    return message(c -> {
      c.writeInt64(1, 8); // ir_version
      c.writeString(2, "synthetic");
      c.writeByteArray(7, graphBytes.toByteArray());
      c.writeByteArray(8, message(o -> o.writeInt64(2, 17))); // opset_import { version: 17 }
    });
  }

  // --- graph pieces ------------------------------------------------------------------------------------------------

  /** An HF-named initializer (under the prefix); returns its ONNX name. */
  private String named(String rel, String hfName, int... shape) throws IOException {
    float[] v = random(shape);
    values.put(hfName, v);
    String name = prefix + rel;
    inits.add(tensor(name, shape, v, Encoding.RAW_FLOAT, false));
    return name;
  }

  private String linear(int layer, String path, String input, int in, int out) throws IOException {
    String nodePrefix = "/encoder/layer." + layer + "/" + path;
    String rel = "encoder.layer." + layer + "." + path.replace('/', '.');
    if ((layer + "/" + path).equals(skipMatMul)) {
      named(rel + ".bias", "bert." + rel + ".bias", out); // the bias is there, its MatMul is not
      return nodePrefix + "/MatMul_output_0"; // a value nothing computes
    }
    return projection(nodePrefix, "bert." + rel, prefix + rel + ".bias", input, in, out);
  }

  /** MatMul(input, onnx::MatMul_N [in, out]) then Add(bias, .): torch.onnx.export's shape of a Linear on 3-D input. */
  private String projection(String nodePrefix, String hfPrefix, String biasName, String input, int in, int out)
      throws IOException {
    String w = "onnx::MatMul_" + counter++;
    float[] wv = random(in, out);
    values.put(hfPrefix + ".weight", wv);
    inits.add(tensor(w, new int[] {in, out}, wv, matrixEncoding, externalData && !externalWritten));
    externalWritten |= externalData;
    float[] bv = random(out);
    values.put(hfPrefix + ".bias", bv);
    inits.add(tensor(biasName, new int[] {out}, bv, Encoding.RAW_FLOAT, false));
    node(nodePrefix + "/MatMul", "MatMul", List.of(input, w), List.of(nodePrefix + "/MatMul_output_0"));
    node(nodePrefix + "/Add", "Add", List.of(biasName, nodePrefix + "/MatMul_output_0"),
        List.of(nodePrefix + "/Add_output_0"));
    return nodePrefix + "/Add_output_0";
  }

  private void reshape(String name, String input) throws IOException {
    String shape = name + "_shape";
    if (constantReshape) {
      constant(shape, longTensor("", 0, 0, heads, hidden / heads));
    } else {
      node(name + "_u0", "Unsqueeze", List.of(name + "_b"), List.of(name + "_u0_out"));
      node(name + "_u1", "Unsqueeze", List.of(name + "_l"), List.of(name + "_u1_out"));
      constant(name + "_c2", longTensor("", heads));
      constant(name + "_c3", longTensor("", hidden / heads));
      node(name + "_concat", "Concat", List.of(name + "_u0_out", name + "_u1_out", name + "_c2", name + "_c3"),
          List.of(shape), attrInt("axis", 0));
    }
    node(name, "Reshape", List.of(input, shape), List.of(name + "_output_0"));
  }

  private String layerNorm(String nodePrefix, String rel, String input, int d) throws IOException {
    String gamma = prefix + rel + ".weight";
    String beta = prefix + rel + ".bias";
    float[] gv = random(d);
    float[] bv = random(d);
    values.put("bert." + rel + ".weight", gv);
    values.put("bert." + rel + ".bias", bv);
    inits.add(tensor(gamma, new int[] {d}, gv, Encoding.RAW_FLOAT, false));
    inits.add(tensor(beta, new int[] {d}, bv, Encoding.RAW_FLOAT, false));
    String out = nodePrefix + "/Add_1_output_0";
    if (fusedLayerNorm) {
      node(nodePrefix + "/LayerNormalization", "LayerNormalization", List.of(input, gamma, beta), List.of(out),
          attrFloat("epsilon", eps), attrInt("axis", -1));
      return out;
    }
    node(nodePrefix + "/ReduceMean", "ReduceMean", List.of(input), List.of(nodePrefix + "/mean"));
    node(nodePrefix + "/Sub", "Sub", List.of(input, nodePrefix + "/mean"), List.of(nodePrefix + "/centered"));
    constant(nodePrefix + "/two", floatScalar(2f));
    node(nodePrefix + "/Pow", "Pow", List.of(nodePrefix + "/centered", nodePrefix + "/two"), List.of(nodePrefix + "/sq"));
    node(nodePrefix + "/ReduceMean_1", "ReduceMean", List.of(nodePrefix + "/sq"), List.of(nodePrefix + "/var"));
    constant(nodePrefix + "/eps", floatScalar(eps));
    node(nodePrefix + "/Add", "Add", List.of(nodePrefix + "/var", nodePrefix + "/eps"), List.of(nodePrefix + "/vareps"));
    node(nodePrefix + "/Sqrt", "Sqrt", List.of(nodePrefix + "/vareps"), List.of(nodePrefix + "/std"));
    node(nodePrefix + "/Div", "Div", List.of(nodePrefix + "/centered", nodePrefix + "/std"), List.of(nodePrefix + "/n"));
    node(nodePrefix + "/Mul", "Mul", List.of(nodePrefix + "/n", gamma), List.of(nodePrefix + "/scaled"));
    node(nodePrefix + "/Add_1", "Add", List.of(nodePrefix + "/scaled", beta), List.of(out));
    return out;
  }

  private String gelu(String p, String x) throws IOException {
    if (tanhGelu) {
      node(p + "Pow", "Pow", List.of(x, p + "three"), List.of(p + "cube"));
      node(p + "Mul", "Mul", List.of(p + "cube", p + "c"), List.of(p + "t1"));
      node(p + "Add", "Add", List.of(x, p + "t1"), List.of(p + "t2"));
      node(p + "Mul_1", "Mul", List.of(p + "t2", p + "s"), List.of(p + "t3"));
      node(p + "Tanh", "Tanh", List.of(p + "t3"), List.of(p + "t4"));
      node(p + "Add_1", "Add", List.of(p + "t4", p + "one"), List.of(p + "t5"));
      node(p + "Mul_2", "Mul", List.of(x, p + "t5"), List.of(p + "out"));
      return p + "out";
    }
    constant(p + "Constant", floatScalar((float) Math.sqrt(2)));
    node(p + "Div", "Div", List.of(x, p + "Constant"), List.of(p + "d"));
    node(p + "Erf", "Erf", List.of(p + "d"), List.of(p + "e"));
    node(p + "Add", "Add", List.of(p + "e", p + "one"), List.of(p + "e1"));
    node(p + "Mul", "Mul", List.of(x, p + "e1"), List.of(p + "m"));
    node(p + "Mul_1", "Mul", List.of(p + "m", p + "half"), List.of(p + "out"));
    return p + "out";
  }

  // --- protobuf ------------------------------------------------------------------------------------------------------

  private interface Body {
    void write(CodedOutputStream c) throws IOException;
  }

  static byte[] message(Body body) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream c = CodedOutputStream.newInstance(bytes);
    body.write(c);
    c.flush();
    return bytes.toByteArray();
  }

  private void node(String name, String op, List<String> inputs, List<String> outputs, byte[]... attrs)
      throws IOException {
    nodes.add(message(c -> {
      for (String in : inputs) {
        c.writeString(1, in);
      }
      for (String out : outputs) {
        c.writeString(2, out);
      }
      c.writeString(3, name);
      c.writeString(4, op);
      for (byte[] a : attrs) {
        c.writeByteArray(5, a);
      }
    }));
  }

  private void constant(String output, byte[] tensor) throws IOException {
    node(output + "_node", "Constant", List.of(), List.of(output), message(c -> {
      c.writeString(1, "value");
      c.writeByteArray(5, tensor);
      c.writeInt32(20, 4); // TENSOR
    }));
  }

  private static byte[] attrInt(String name, long v) throws IOException {
    return message(c -> {
      c.writeString(1, name);
      c.writeInt64(3, v);
      c.writeInt32(20, 2); // INT
    });
  }

  private static byte[] attrFloat(String name, float v) throws IOException {
    return message(c -> {
      c.writeString(1, name);
      c.writeFloat(2, v);
      c.writeInt32(20, 1); // FLOAT
    });
  }

  private static byte[] floatScalar(float v) throws IOException {
    return message(c -> {
      c.writeInt32(2, 1);
      c.writeByteArray(9, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(v).array());
    });
  }

  /** An INT64 tensor of shape [values.length], int64_data packed. */
  private static byte[] longTensor(String name, long... values) throws IOException {
    return message(c -> {
      c.writeInt64(1, values.length);
      c.writeInt32(2, 7);
      c.writeTag(7, 2);
      int size = 0;
      for (long v : values) {
        size += CodedOutputStream.computeInt64SizeNoTag(v);
      }
      c.writeUInt32NoTag(size);
      for (long v : values) {
        c.writeInt64NoTag(v);
      }
      if (!name.isEmpty()) {
        c.writeString(8, name);
      }
    });
  }

  /** A float tensor; values of lower precision are written rounded, and {@link #values} keeps what the file holds. */
  private byte[] tensor(String name, int[] dims, float[] v, Encoding enc, boolean external) throws IOException {
    return message(c -> {
      for (int d : dims) {
        c.writeInt64(1, d);
      }
      switch (enc) {
        case RAW_FLOAT -> {
          c.writeInt32(2, 1);
          ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
          for (float f : v) {
            b.putFloat(f);
          }
          c.writeString(8, name);
          if (external) {
            c.writeByteArray(13, message(e -> {
              e.writeString(1, "location");
              e.writeString(2, "weights.bin");
            }));
            c.writeInt32(14, 1);
          } else {
            c.writeByteArray(9, b.array());
          }
          return;
        }
        case FLOAT_DATA_PACKED -> {
          c.writeInt32(2, 1);
          c.writeTag(4, 2);
          c.writeUInt32NoTag(4 * v.length);
          for (float f : v) {
            c.writeFloatNoTag(f);
          }
        }
        case FLOAT_DATA_UNPACKED -> {
          c.writeInt32(2, 1);
          for (float f : v) {
            c.writeFloat(4, f);
          }
        }
        case RAW_FLOAT16 -> {
          c.writeInt32(2, 10);
          ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
          for (int i = 0; i < v.length; i++) {
            short half = toHalf(v[i]);
            v[i] = org.lrpaudit.model.SafetensorsFile.halfToFloat(half); // what the importer should read back
            b.putShort(half);
          }
          c.writeByteArray(9, b.array());
        }
        case DOUBLE_DATA -> {
          c.writeInt32(2, 11);
          c.writeTag(10, 2);
          c.writeUInt32NoTag(8 * v.length);
          for (float f : v) {
            c.writeDoubleNoTag(f);
          }
        }
        default -> throw new IllegalStateException(enc.toString());
      }
      c.writeString(8, name);
    });
  }

  /** float32 to IEEE binary16, round to nearest (normal range only, enough for N(0, 0.25) test values). */
  private static short toHalf(float f) {
    int bits = Float.floatToIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exp = ((bits >>> 23) & 0xff) - 127 + 15;
    int mant = bits & 0x7fffff;
    if (exp <= 0) {
      return (short) sign; // flush tiny values to zero
    }
    int half = sign | (exp << 10) | (mant >>> 13);
    if ((mant & 0x1000) != 0) {
      half++; // round half up on the dropped bits
    }
    return (short) half;
  }

  private float[] random(int... shape) {
    int n = 1;
    for (int s : shape) {
      n *= s;
    }
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (rnd.nextGaussian() * 0.5);
    }
    return v;
  }
}
