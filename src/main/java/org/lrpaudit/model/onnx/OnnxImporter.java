package org.lrpaudit.model.onnx;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.lrpaudit.model.Checkpoint;
import org.lrpaudit.model.CheckpointWriter;
import org.lrpaudit.model.CheckpointException;
import org.lrpaudit.model.FileLimits;
import org.lrpaudit.model.ModelConfig;
import org.lrpaudit.model.SafetensorsFile;
import org.lrpaudit.model.SequenceClassifier;
import org.lrpaudit.model.TextTokenizer;
import org.lrpaudit.model.TokenizedText;
import org.lrpaudit.model.onnx.BertOnnxMapping.NamedTensor;

/**
 * Turns a BERT-family encoder exported to ONNX (plus its tokenizer.json) into a HuggingFace {@code bert} folder that
 * lrp-audit loads: config.json, model.safetensors, tokenizer.json.
 *
 * <p>The encoder comes from the graph ({@link BertOnnxMapping}). An encoder export has no classification head, so a new
 * one is added: BERT's pooler (unless the graph has one) and a classifier over the given labels, weights drawn from
 * N(0, 0.02^2) with a seeded {@link Random} (HuggingFace's initializer_range for BERT), biases 0. That head is untrained:
 * the folder is a real pretrained encoder under an arbitrary, reproducible head, for tests and demos of the explainer,
 * not a sentiment model.
 *
 * <p>The tokenizer is copied with "padding" and "truncation" set to null (exports often fix both, e.g. at 128), since
 * lrp-audit pads batches and truncates itself.
 *
 * <p>Writing is atomic: everything goes into a hidden sibling folder, is loaded back once as a check, and is then renamed
 * to the output path. On any error the sibling is deleted and the output path is left as it was.
 */
public final class OnnxImporter {
  /** Standard deviation of the new pooler and classifier weights (HuggingFace BERT's initializer_range). */
  public static final double HEAD_INIT_STD = 0.02;

  /**
   * @param heads attention heads if the graph does not show them (null: read from the graph, else 12)
   */
  public record Options(Path onnx, Path tokenizer, Path out, List<String> labels, long seed, Integer heads) {
    public Options {
      labels = List.copyOf(labels);
    }
  }

  /** What was written, with the model id (SHA-256 of model.safetensors) and how each inferred setting was found. */
  public record Result(Path out, ModelConfig config, String modelId, String sourceSha256, boolean poolerFromGraph,
      List<String> notes) {}

  private OnnxImporter() {}

  public static Result run(Options o) {
    List<String> labels = checkLabels(o.labels());
    Path out = o.out().toAbsolutePath().normalize();
    requireFreeTarget(out);

    OnnxGraph graph = OnnxGraph.read(o.onnx());
    BertOnnxMapping.Encoder enc = BertOnnxMapping.read(graph, o.heads());
    List<String> notes = new ArrayList<>(enc.notes());
    ObjectNode tokenizer = tokenizer(o.tokenizer(), enc.vocabSize(), notes);

    List<NamedTensor> tensors = new ArrayList<>(enc.tensors());
    Random rnd = new Random(o.seed());
    int d = enc.hidden();
    String init = "new: weights N(0, " + HEAD_INIT_STD + "^2), biases 0, seed " + o.seed() + " (untrained)";
    if (!enc.hasPooler()) {
      tensors.add(normal("bert.pooler.dense.weight", rnd, d, d));
      tensors.add(zeros("bert.pooler.dense.bias", d));
      notes.add("pooler: " + init);
    }
    tensors.add(normal("classifier.weight", rnd, labels.size(), d));
    tensors.add(zeros("classifier.bias", labels.size()));
    notes.add("classifier (" + String.join(", ", labels) + "): " + init);

    String sourceSha = Checkpoint.sha256(o.onnx());
    ObjectNode config = config(enc, labels, tokenizer, o, init, sourceSha, notes);
    return write(out, config, tokenizer, tensors, enc.hasPooler(), sourceSha, notes);
  }

  private static List<String> checkLabels(List<String> labels) {
    List<String> out = labels.stream().map(String::trim).toList();
    if (out.isEmpty() || out.stream().anyMatch(String::isEmpty)) {
      throw new IllegalArgumentException("--labels needs one or more non-empty names, e.g. NEGATIVE,POSITIVE; got "
          + labels);
    }
    if (new HashSet<>(out).size() != out.size()) {
      throw new IllegalArgumentException("--labels has a name twice: " + out);
    }
    return out;
  }

  /** The output must not exist, or be an empty folder (rename(2) replaces an empty directory). Nothing is overwritten. */
  private static void requireFreeTarget(Path out) {
    if (!Files.exists(out)) {
      return;
    }
    boolean empty = false;
    if (Files.isDirectory(out)) {
      try (DirectoryStream<Path> s = Files.newDirectoryStream(out)) {
        empty = !s.iterator().hasNext();
      } catch (IOException e) {
        throw new CheckpointException("cannot read " + out + " (" + e.getMessage() + ")", e);
      }
    }
    if (!empty) {
      throw new CheckpointException(out + " already exists; import-onnx writes a new folder and never overwrites: choose "
          + "another --out or remove it");
    }
  }

  /** The tokenizer.json tree with padding and truncation off, after checking its ids match the embedding rows. */
  private static ObjectNode tokenizer(Path file, int vocabRows, List<String> notes) {
    if (!Files.isRegularFile(file)) {
      throw new CheckpointException("tokenizer file not found: " + file);
    }
    JsonNode root = FileLimits.readJson(file, FileLimits.MAX_TOKENIZER_BYTES, "tokenizer.json");
    JsonNode vocab = root == null ? null : root.path("model").path("vocab");
    if (vocab == null || !vocab.isObject() || vocab.isEmpty()) {
      throw new CheckpointException(file + ": no vocabulary under model.vocab; a HuggingFace tokenizer.json of a "
          + "WordPiece (BERT) tokenizer is needed");
    }
    long max = -1;
    for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
      max = Math.max(max, it.next().getValue().asLong());
    }
    for (JsonNode t : root.path("added_tokens")) {
      max = Math.max(max, t.path("id").asLong());
    }
    if (max + 1 != vocabRows) {
      throw new CheckpointException(file + ": the tokenizer has " + (max + 1) + " token ids (0.." + max + ") but the ONNX "
          + "model's word embeddings have " + vocabRows + " rows: the tokenizer does not belong to this model");
    }
    ObjectNode copy = ((ObjectNode) root).deepCopy();
    for (String f : List.of("padding", "truncation")) {
      JsonNode v = copy.get(f);
      if (v != null && !v.isNull()) {
        notes.add("tokenizer.json: \"" + f + "\" was " + v + ", set to null (lrp-audit pads and truncates itself)");
      }
      copy.putNull(f); // keeps the key's position
    }
    return copy;
  }

  private static NamedTensor normal(String name, Random rnd, int rows, int cols) {
    long n = FileLimits.numel(new long[] {rows, cols}, "the new " + name);
    float[] v = new float[FileLimits.tensorBytes(n, 4, "the new " + name) / 4];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (rnd.nextGaussian() * HEAD_INIT_STD);
    }
    return new NamedTensor(name, new long[] {rows, cols}, v);
  }

  private static NamedTensor zeros(String name, int size) {
    return new NamedTensor(name, new long[] {size}, new float[size]);
  }

  private static ObjectNode config(BertOnnxMapping.Encoder enc, List<String> labels, ObjectNode tokenizer, Options o,
      String init, String sourceSha, List<String> notes) {
    ObjectNode c = new ObjectMapper().createObjectNode();
    c.putArray("architectures").add("BertForSequenceClassification");
    c.put("model_type", ModelConfig.BERT);
    c.put("vocab_size", enc.vocabSize());
    c.put("hidden_size", enc.hidden());
    c.put("num_hidden_layers", enc.layers());
    c.put("num_attention_heads", enc.heads());
    c.put("intermediate_size", enc.intermediate());
    c.put("hidden_act", enc.hiddenAct());
    c.put("max_position_embeddings", enc.maxPositions());
    c.put("type_vocab_size", enc.typeVocab());
    c.put("layer_norm_eps", enc.layerNormEps());
    c.put("initializer_range", HEAD_INIT_STD);
    JsonNode pad = tokenizer.path("model").path("vocab").get("[PAD]");
    if (pad != null) {
      c.put("pad_token_id", pad.asInt());
    }
    ObjectNode id2label = c.putObject("id2label");
    ObjectNode label2id = c.putObject("label2id");
    for (int i = 0; i < labels.size(); i++) {
      id2label.put(Integer.toString(i), labels.get(i));
      label2id.put(labels.get(i), i);
    }
    ObjectNode from = c.putObject("lrp_audit_import");
    from.put("source", o.onnx().getFileName().toString());
    from.put("source_sha256", sourceSha);
    from.put("tokenizer", o.tokenizer().getFileName().toString());
    from.put("pooler", enc.hasPooler() ? "from the ONNX graph" : init);
    from.put("classifier", init);
    notes.forEach(from.putArray("notes")::add);
    return c;
  }

  private static Result write(Path out, ObjectNode config, ObjectNode tokenizer, List<NamedTensor> tensors,
      boolean poolerFromGraph, String sourceSha, List<String> notes) {
    Checkpoint[] written = new Checkpoint[1];
    try {
      CheckpointWriter.writeAtomically(out, tmp -> {
        ObjectMapper json = new ObjectMapper();
        json.writerWithDefaultPrettyPrinter().writeValue(tmp.resolve(Checkpoint.CONFIG).toFile(), config);
        json.writerWithDefaultPrettyPrinter().writeValue(tmp.resolve(Checkpoint.TOKENIZER).toFile(), tokenizer);
        writeSafetensors(tmp.resolve(Checkpoint.WEIGHTS), tensors);
        try {
          written[0] = verify(tmp);
        } catch (CheckpointException e) {
          // Name the files as they would have been at --out, not in the hidden folder that is about to be deleted.
          throw new CheckpointException("the imported folder failed its load check, so nothing was written to " + out
              + ": " + e.getMessage().replace(tmp.toString(), out.toString()), e);
        }
      });
    } catch (IOException e) {
      throw new CheckpointException("cannot write " + out + " (" + e + ")", e);
    }
    Checkpoint cp = written[0]; // checked in the temporary folder; the rename did not change its contents
    return new Result(out, cp.config(), cp.modelId(), sourceSha, poolerFromGraph, List.copyOf(notes));
  }

  private static void writeSafetensors(Path file, List<NamedTensor> tensors) throws IOException {
    try (NDManager m = NDManager.newBaseManager(Device.cpu());
        OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      NDList list = new NDList();
      for (NamedTensor t : tensors) {
        NDArray a = m.create(t.values(), new Shape(t.shape()));
        a.setName(t.name());
        list.add(a);
      }
      list.encode(os, NDList.Encoding.SAFETENSORS);
    }
  }

  /** Loads what was written exactly as explain jobs will (config, tokenizer, every tensor with its shape). */
  private static Checkpoint verify(Path dir) {
    Checkpoint cp = Checkpoint.openLocal(dir);
    ModelConfig c = cp.config();
    try (TextTokenizer tok = new TextTokenizer(cp.tokenizer(), Math.min(512, c.maxPositions()), c.vocabSize());
        SafetensorsFile file = SafetensorsFile.open(cp.weights());
        SequenceClassifier model = SequenceClassifier.load(c, file, Device.cpu(), DataType.FLOAT32)) {
      TokenizedText t = tok.encode("hello world");
      if (t.length() < 3 || !t.special()[0] || !t.special()[t.length() - 1]) {
        throw new CheckpointException(cp.tokenizer() + ": the tokenizer does not wrap texts in special tokens "
            + "([CLS] ... [SEP]); BERT's classifier reads the first position");
      }
    }
    return cp;
  }
}
