package org.lrpaudit.model.onnx;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.lrpaudit.model.CheckpointException;
import org.lrpaudit.model.onnx.OnnxGraph.Node;
import org.lrpaudit.model.onnx.OnnxGraph.Tensor;

/**
 * Reads a BERT encoder (HuggingFace BertModel exported with torch.onnx.export) out of an ONNX graph and names its tensors
 * as BertForSequenceClassification does ({@code bert.embeddings.*}, {@code bert.encoder.layer.N.*}).
 *
 * <p>What such an export looks like, and what this relies on: embeddings, biases and LayerNorm parameters keep their
 * PyTorch names (possibly under a prefix such as {@code bert.}); the weight matrices are constant-folded into anonymous
 * initializers ({@code onnx::MatMul_787}) stored [in, out] and consumed as the second input of a MatMul node named after
 * the module ({@code /encoder/layer.0/attention/self/query/MatMul}). Each matrix is therefore found through its consumer
 * node and transposed to HuggingFace's [out, in]. Sizes come from the tensors; the head count, the LayerNorm epsilon and
 * the GELU form are read off the graph's nodes where it shows them.
 */
final class BertOnnxMapping {
  /** The six projections of an encoder layer: path in node names (slashes) and in tensor names (dots). */
  static final List<String> PROJECTIONS = List.of("attention/self/query", "attention/self/key", "attention/self/value",
      "attention/output/dense", "intermediate/dense", "output/dense");

  private static final Pattern LAYER_MATMUL = Pattern.compile(
      "(?:^|/)encoder/layer\\.(\\d+)/(attention/self/query|attention/self/key|attention/self/value"
          + "|attention/output/dense|intermediate/dense|output/dense)/MatMul$");
  private static final Pattern POOLER_MATMUL = Pattern.compile("(?:^|/)pooler/dense/MatMul$");
  private static final Pattern LAYER_TENSOR = Pattern.compile("encoder\\.layer\\.(\\d+)\\.");
  private static final String WORD_EMBEDDINGS = "embeddings.word_embeddings.weight";

  /** A tensor under its HuggingFace name, row-major float32. */
  record NamedTensor(String name, long[] shape, float[] values) {}

  /** The encoder as read: sizes, choices, tensors (named bert.*), and how each choice was made. */
  record Encoder(int vocabSize, int hidden, int layers, int heads, int intermediate, int maxPositions, int typeVocab,
      double layerNormEps, String hiddenAct, boolean hasPooler, List<NamedTensor> tensors, List<String> notes) {}

  private final OnnxGraph g;
  private final String prefix; // before "embeddings.word_embeddings.weight", e.g. "" or "bert."
  private final Map<String, Node> matmuls = new HashMap<>(); // "layer/path" -> MatMul consuming an initializer
  private final Map<String, String> badMatmuls = new HashMap<>(); // same key -> why that MatMul cannot be used
  private final Set<String> used = new HashSet<>();
  private final List<NamedTensor> tensors = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  private BertOnnxMapping(OnnxGraph g) {
    this.g = g;
    this.prefix = findPrefix(g);
  }

  /**
   * @param headsOption attention heads from the command line, or null; used only when the graph does not show them, and
   *     an error when it contradicts the graph
   */
  static Encoder read(OnnxGraph g, Integer headsOption) {
    return new BertOnnxMapping(g).read(headsOption);
  }

  private Encoder read(Integer headsOption) {
    Tensor word = require(prefix + WORD_EMBEDDINGS, 2);
    int vocab = (int) word.dim(0);
    int d = (int) word.dim(1);
    Tensor position = require(prefix + "embeddings.position_embeddings.weight", 2);
    Tensor tokenType = require(prefix + "embeddings.token_type_embeddings.weight", 2);
    checkWidth(position, d);
    checkWidth(tokenType, d);
    add("bert.embeddings.word_embeddings.weight", word);
    add("bert.embeddings.position_embeddings.weight", position);
    add("bert.embeddings.token_type_embeddings.weight", tokenType);
    layerNorm("embeddings.LayerNorm", d);

    indexMatmuls();
    int layers = countLayers();
    Node firstFfn = matmul(0, "intermediate/dense");
    int intermediate = (int) g.initializer(firstFfn.input(1)).dim(1);
    for (int i = 0; i < layers; i++) {
      String p = "encoder.layer." + i + ".";
      linear(i, "attention/self/query", d, d);
      linear(i, "attention/self/key", d, d);
      linear(i, "attention/self/value", d, d);
      linear(i, "attention/output/dense", d, d);
      layerNorm(p + "attention.output.LayerNorm", d);
      linear(i, "intermediate/dense", d, intermediate);
      linear(i, "output/dense", intermediate, d);
      layerNorm(p + "output.LayerNorm", d);
    }
    boolean pooler = pooler(d);
    requireEverythingMapped(d);

    int heads = heads(layers, d, headsOption);
    double eps = layerNormEps(layers);
    String act = activation(layers);
    return new Encoder(vocab, d, layers, heads, intermediate, (int) position.dim(0), (int) tokenType.dim(0), eps, act,
        pooler, tensors, notes);
  }

  // --- weights -----------------------------------------------------------------------------------------------------

  private static String findPrefix(OnnxGraph g) {
    List<String> hits = g.initializers().keySet().stream()
        .filter(n -> n.equals(WORD_EMBEDDINGS) || n.endsWith("." + WORD_EMBEDDINGS)).toList();
    if (hits.size() != 1) {
      throw new CheckpointException(g.path() + ": " + (hits.isEmpty()
          ? "no initializer named '" + WORD_EMBEDDINGS + "' (or '<prefix>." + WORD_EMBEDDINGS + "'). The importer reads "
              + "BERT encoders exported from PyTorch (HuggingFace BertModel through torch.onnx.export), whose embeddings, "
              + "biases and LayerNorms keep their HuggingFace names; this graph has " + g.initializers().size()
              + " initializers and " + g.nodes().size() + " nodes"
          : "several word embeddings: " + hits));
    }
    String hit = hits.get(0);
    return hit.substring(0, hit.length() - WORD_EMBEDDINGS.length());
  }

  private Tensor require(String name, int rank) {
    Tensor t = g.initializer(name);
    if (t == null) {
      throw new CheckpointException(g.path() + ": no initializer named '" + name + "'");
    }
    if (t.rank() != rank || !t.isFloatingPoint()) {
      throw new CheckpointException(g.path() + ": initializer '" + name + "' has shape " + Arrays.toString(t.dims())
          + " and data type " + t.dataType() + "; expected a floating-point tensor of rank " + rank);
    }
    return t;
  }

  private void checkWidth(Tensor t, int d) {
    if (t.dim(1) != d) {
      throw new CheckpointException(g.path() + ": '" + t.name() + "' has shape " + Arrays.toString(t.dims())
          + " but the word embeddings are " + d + " wide");
    }
  }

  private void checkShape(Tensor t, String what, long... shape) {
    if (!Arrays.equals(t.dims(), shape)) {
      throw new CheckpointException(g.path() + ": " + what + " ('" + t.name() + "') has shape "
          + Arrays.toString(t.dims()) + ", expected " + Arrays.toString(shape));
    }
  }

  private void add(String hfName, Tensor t) {
    used.add(t.name());
    tensors.add(new NamedTensor(hfName, t.dims(), t.floats()));
  }

  private void layerNorm(String rel, int d) {
    for (String part : List.of("weight", "bias")) {
      Tensor t = require(prefix + rel + "." + part, 1);
      checkShape(t, rel + "." + part, d);
      add("bert." + rel + "." + part, t);
    }
  }

  /** Every MatMul named after a projection whose second input is a 2-D floating-point initializer. */
  private void indexMatmuls() {
    for (Node n : g.nodes()) {
      if (!n.opType().equals("MatMul")) {
        continue;
      }
      Matcher m = LAYER_MATMUL.matcher(n.name());
      String key = m.find() ? m.group(1) + "/" + m.group(2) : POOLER_MATMUL.matcher(n.name()).find() ? "pooler" : null;
      if (key == null) {
        continue;
      }
      Tensor w = g.initializer(n.input(1));
      if (w == null || w.rank() != 2 || !w.isFloatingPoint()) {
        badMatmuls.put(key, g.initializer(n.input(0)) != null
            ? "its weight is the first input (" + n.input(0) + "), not the second"
            : "its second input '" + n.input(1) + "' is " + (w == null ? "computed, not an initializer" : "not a matrix"));
        continue;
      }
      if (matmuls.put(key, n) != null) {
        throw new CheckpointException(g.path() + ": two MatMul nodes are named like '" + n.name() + "'");
      }
    }
  }

  private Node matmul(int layer, String path) {
    String key = layer + "/" + path;
    Node n = matmuls.get(key);
    if (n == null) {
      String why = badMatmuls.get(key);
      throw new CheckpointException(g.path() + ": no MatMul consumes an initializer for /encoder/layer." + layer + "/" + path
          + (why != null ? " (the MatMul there cannot be used: " + why + ")"
              : " (expected a MatMul node named like '/encoder/layer." + layer + "/" + path + "/MatMul')"));
    }
    return n;
  }

  private int countLayers() {
    int max = -1;
    for (String key : matmuls.keySet()) {
      if (!key.equals("pooler")) {
        max = Math.max(max, Integer.parseInt(key.substring(0, key.indexOf('/'))));
      }
    }
    for (String key : badMatmuls.keySet()) {
      if (!key.equals("pooler")) {
        max = Math.max(max, Integer.parseInt(key.substring(0, key.indexOf('/'))));
      }
    }
    for (String name : g.initializers().keySet()) {
      if (name.startsWith(prefix)) {
        Matcher m = LAYER_TENSOR.matcher(name.substring(prefix.length()));
        if (m.lookingAt()) {
          max = Math.max(max, Integer.parseInt(m.group(1)));
        }
      }
    }
    if (max < 0) {
      throw new CheckpointException(g.path() + ": no encoder layers found (no MatMul node named like "
          + "'/encoder/layer.0/attention/self/query/MatMul' and no initializer named like '" + prefix
          + "encoder.layer.0.*')");
    }
    return max + 1;
  }

  /** A projection's weight (found through its MatMul, [in, out] in the file, written [out, in]) and bias. */
  private void linear(int layer, String path, int in, int out) {
    Node mm = matmul(layer, path);
    String what = "/encoder/layer." + layer + "/" + path;
    Tensor w = g.initializer(mm.input(1));
    checkShape(w, "the weight of " + what + " (stored [in, out])", in, out);
    String hf = "bert.encoder.layer." + layer + "." + path.replace('/', '.');
    used.add(w.name());
    tensors.add(new NamedTensor(hf + ".weight", new long[] {out, in}, transpose(w.floats(), in, out)));
    Tensor b = bias(mm, prefix + "encoder.layer." + layer + "." + path.replace('/', '.') + ".bias", what);
    checkShape(b, "the bias of " + what, out);
    add(hf + ".bias", b);
  }

  /** The 1-D initializer added to the MatMul's output; else the tensor of the HuggingFace name. */
  private Tensor bias(Node mm, String hfName, String what) {
    for (Node add : g.consumers(mm.output(0))) {
      if (add.opType().equals("Add")) {
        String other = add.input(0).equals(mm.output(0)) ? add.input(1) : add.input(0);
        Tensor t = g.initializer(other);
        if (t != null && t.rank() == 1 && t.isFloatingPoint()) {
          return t;
        }
      }
    }
    Tensor named = g.initializer(hfName);
    if (named == null) {
      throw new CheckpointException(g.path() + ": no bias for " + what + " (no Add of a 1-D initializer after "
          + mm.label() + ", and no initializer named '" + hfName + "')");
    }
    return named;
  }

  private static float[] transpose(float[] w, int rows, int cols) {
    float[] t = new float[w.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        t[c * rows + r] = w[r * cols + c];
      }
    }
    return t;
  }

  /** BertModel's pooler, when the export has one (then the graph's second output is usually pooler_output). */
  private boolean pooler(int d) {
    Node mm = matmuls.get("pooler");
    if (mm == null) {
      if (badMatmuls.containsKey("pooler")) {
        throw new CheckpointException(g.path() + ": the pooler's MatMul cannot be used: " + badMatmuls.get("pooler"));
      }
      return false;
    }
    Tensor w = g.initializer(mm.input(1));
    checkShape(w, "the pooler weight (stored [in, out])", d, d);
    if (!reachableOps(mm.output(0), 3).contains("Tanh")) {
      throw new CheckpointException(g.path() + ": the pooler (" + mm.label() + ") is not followed by Tanh, as BERT's is");
    }
    used.add(w.name());
    tensors.add(new NamedTensor("bert.pooler.dense.weight", new long[] {d, d}, transpose(w.floats(), d, d)));
    Tensor b = bias(mm, prefix + "pooler.dense.bias", "the pooler");
    checkShape(b, "the pooler bias", d);
    add("bert.pooler.dense.bias", b);
    notes.add("pooler: taken from the graph (" + mm.label() + ")");
    return true;
  }

  /**
   * Weight-sized floating-point initializers (at least hidden-size elements) that the graph uses but this mapping did not
   * place would be silently dropped: for instance a task head on top of the encoder. Refuse instead.
   */
  private void requireEverythingMapped(int d) {
    Set<String> extra = new TreeSet<>();
    for (Node n : g.nodes()) {
      for (String in : n.inputs()) {
        Tensor t = g.initializer(in);
        if (t != null && t.isFloatingPoint() && t.numel() >= d && !used.contains(in)) {
          extra.add(in + " (used by " + n.label() + ")");
        }
      }
    }
    if (!extra.isEmpty()) {
      throw new CheckpointException(g.path() + ": the graph uses weights that are not part of a BERT encoder as this "
          + "importer reads it (" + extra.size() + ", e.g. " + extra.iterator().next() + "). Supported: a BertModel "
          + "export (embeddings, encoder layers, optional pooler) with the MatMul nodes named after their modules");
    }
  }

  // --- choices read off the graph ----------------------------------------------------------------------------------

  /**
   * Heads from the Reshape that splits a query/key/value projection into [batch, length, heads, head size]: its target
   * shape is a constant or a Concat whose last two parts are constants.
   */
  private int heads(int layers, int d, Integer option) {
    Set<Long> seen = new TreeSet<>();
    for (int i = 0; i < layers; i++) {
      for (String path : PROJECTIONS.subList(0, 3)) {
        Node mm = matmuls.get(i + "/" + path);
        List<String> values = new ArrayList<>(List.of(mm.output(0)));
        for (Node add : g.consumers(mm.output(0))) {
          if (add.opType().equals("Add")) {
            values.add(add.output(0));
          }
        }
        for (String v : values) {
          for (Node r : g.consumers(v)) {
            if (r.opType().equals("Reshape") && r.input(0).equals(v)) {
              long[] shape = constantShape(r.input(1));
              if (shape != null && shape.length == 4 && shape[2] > 0 && d % shape[2] == 0
                  && (shape[3] == -1 || shape[2] * shape[3] == d)) {
                seen.add(shape[2]);
              }
            }
          }
        }
      }
    }
    if (seen.size() > 1) {
      throw new CheckpointException(g.path() + ": the attention reshapes disagree on the number of heads: " + seen);
    }
    if (seen.size() == 1) {
      int heads = seen.iterator().next().intValue();
      if (option != null && option != heads) {
        throw new CheckpointException(g.path() + ": the graph splits attention into " + heads + " heads, but --heads is "
            + option);
      }
      notes.add("num_attention_heads " + heads + ": read from the attention Reshape nodes");
      return heads;
    }
    int heads = option != null ? option : 12;
    if (heads <= 0 || d % heads != 0) {
      throw new CheckpointException(g.path() + ": hidden size " + d + " is not divisible by " + heads
          + " attention heads" + (option == null ? " (the default; the graph does not show the head count: pass --heads)"
          : " (--heads)"));
    }
    notes.add("num_attention_heads " + heads + ": NOT found in the graph (no Reshape to [batch, length, heads, head size] "
        + "after the query/key/value projections); " + (option != null ? "taken from --heads" : "the default 12, "
        + "override with --heads") + ". A wrong head count gives a different model: check it against the model card");
    return heads;
  }

  /** A Reshape target known without running the graph; -1 where a part is computed (batch and length). */
  private long[] constantShape(String value) {
    Tensor c = g.constant(value);
    if (c != null) {
      return c.isFloatingPoint() ? null : c.longs();
    }
    Node concat = g.producer(value);
    if (concat == null || !concat.opType().equals("Concat")) {
      return null;
    }
    List<Long> parts = new ArrayList<>();
    for (String in : concat.inputs()) {
      Tensor t = g.constant(in);
      if (t != null && !t.isFloatingPoint()) {
        for (long v : t.longs()) {
          parts.add(v);
        }
      } else if (g.producer(in) != null && g.producer(in).opType().equals("Unsqueeze")) {
        parts.add(-1L); // Unsqueeze(Gather(Shape(x), k)): one computed element
      } else {
        return null;
      }
    }
    return parts.stream().mapToLong(Long::longValue).toArray();
  }

  /**
   * LayerNorm epsilon: the epsilon attribute of LayerNormalization nodes, or the constant added to the variance in a
   * decomposed LayerNorm (Sqrt(Add(ReduceMean(...), eps))). All LayerNorms must agree; none found means 1e-12 (BERT's).
   */
  private double layerNormEps(int layers) {
    List<Double> found = new ArrayList<>();
    for (Node n : g.nodes()) {
      if (n.opType().equals("LayerNormalization") || n.opType().equals("SkipLayerNormalization")) {
        OnnxGraph.Attribute a = n.attributes().get("epsilon");
        found.add(a != null && a.f() != null ? a.f() : 1e-5); // the ONNX default for LayerNormalization
      } else if (n.opType().equals("Sqrt")) {
        Node add = g.producer(n.input(0));
        if (add != null && add.opType().equals("Add")) {
          for (int k = 0; k < 2; k++) {
            Tensor c = g.constant(add.input(k));
            Node other = g.producer(add.input(1 - k));
            if (c != null && c.isFloatingPoint() && c.numel() == 1 && other != null
                && other.opType().equals("ReduceMean")) {
              found.add((double) (float) c.scalar());
            }
          }
        }
      }
    }
    Set<Double> distinct = new LinkedHashSet<>();
    for (double v : found) {
      distinct.add(Double.parseDouble(Float.toString((float) v))); // 1e-12 stored as float32 reads back as 1.0E-12
    }
    if (distinct.size() > 1) {
      throw new CheckpointException(g.path() + ": the LayerNorms use different epsilons " + distinct
          + "; config.json holds one layer_norm_eps");
    }
    if (distinct.isEmpty()) {
      notes.add("layer_norm_eps 1e-12: NOT found in the graph (no LayerNormalization node and no Sqrt(ReduceMean + eps) "
          + "pattern); BERT's default assumed");
      return 1e-12;
    }
    double eps = distinct.iterator().next();
    notes.add("layer_norm_eps " + eps + ": read from " + found.size() + " LayerNorms in the graph (a BERT with " + layers
        + " layers has " + (2 * layers + 1) + ")");
    return eps;
  }

  /** hidden_act from the ops between each layer's intermediate MatMul and the next MatMul. */
  private String activation(int layers) {
    String act = null;
    for (int i = 0; i < layers; i++) {
      Node mm = matmuls.get(i + "/intermediate/dense");
      Set<String> ops = reachableOps(mm.output(0), 12);
      String a;
      if (ops.contains("Erf") || ops.contains("BiasGelu") || ops.contains("Gelu:none")) {
        a = "gelu";
      } else if (ops.contains("Tanh") || ops.contains("FastGelu") || ops.contains("Gelu:tanh")) {
        a = "gelu_new";
      } else if (ops.contains("Relu")) {
        a = "relu";
      } else {
        throw new CheckpointException(g.path() + ": cannot tell the activation after " + mm.label()
            + " (ops before the next MatMul: " + ops + "; supported: GELU as Erf or Tanh, Gelu, FastGelu, Relu)");
      }
      if (act != null && !act.equals(a)) {
        throw new CheckpointException(g.path() + ": layers use different activations (" + act + " and " + a + ")");
      }
      act = a;
    }
    notes.add("hidden_act " + act + ": read from the ops after each intermediate projection ("
        + (act.equals("gelu") ? "Erf: the exact GELU" : act.equals("gelu_new") ? "Tanh: the tanh approximation" : "Relu")
        + ")");
    return act;
  }

  /** Op types reachable from a value through at most maxNodes consumers, not crossing MatMul or ReduceMean. */
  private Set<String> reachableOps(String value, int maxNodes) {
    Set<String> ops = new TreeSet<>();
    Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<String> todo = new ArrayDeque<>(List.of(value));
    while (!todo.isEmpty() && seen.size() < maxNodes) {
      for (Node n : g.consumers(todo.poll())) {
        if (n.opType().equals("MatMul") || n.opType().equals("ReduceMean") || !seen.add(n)) {
          continue;
        }
        OnnxGraph.Attribute approx = n.attributes().get("approximate");
        ops.add(n.opType().equals("Gelu") ? "Gelu:" + (approx == null ? "none" : approx.string()) : n.opType());
        todo.addAll(n.outputs());
      }
    }
    return ops;
  }
}
