package org.lrpaudit.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.lrpaudit.model.ModelConfig;
import org.lrpaudit.model.onnx.OnnxImporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "import-onnx", mixinStandardHelpOptions = true,
    description = {
        "Import a BERT-family encoder exported to ONNX (e.g. all-MiniLM-L6-v2) into a HuggingFace bert folder "
            + "(config.json, model.safetensors, tokenizer.json) that the other commands load.",
        "The encoder's weights come from the graph; the pooler (unless the graph has one) and the classifier are NEW, "
            + "seeded and untrained: predictions mean nothing until the head is trained.",
        "The folder is written next to --out and renamed into place at the end, so a failed import leaves nothing."})
final class ImportOnnxCommand implements Callable<Integer> {
  @Option(names = "--onnx", required = true, paramLabel = "FILE", description = "The .onnx file (weights inside it).")
  Path onnx;

  @Option(names = "--tokenizer", required = true, paramLabel = "FILE",
      description = "The model's HuggingFace tokenizer.json (its padding and truncation are switched off in the copy).")
  Path tokenizer;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "Folder to create; must not exist (or be empty).")
  Path out;

  @Option(names = "--labels", defaultValue = "NEGATIVE,POSITIVE", split = ",", paramLabel = "NAME",
      description = "Class names of the new classifier, in index order (default ${DEFAULT-VALUE}).")
  List<String> labels;

  @Option(names = "--seed", defaultValue = "1", paramLabel = "N",
      description = "Seed of the new head's weights (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--heads", paramLabel = "N",
      description = "Attention heads, used only if the graph does not show them (default: from the graph, else 12).")
  Integer heads;

  @Override
  public Integer call() {
    OnnxImporter.Result r = OnnxImporter.run(new OnnxImporter.Options(onnx, tokenizer, out, labels, seed, heads));
    ModelConfig c = r.config();
    System.err.printf("wrote %s (model id %s)%n", r.out(), r.modelId());
    System.err.printf("  bert: %d layers, hidden %d, %d heads, FFN %d, %s, vocab %d, %d positions, eps %s%n",
        c.numLayers(), c.hiddenSize(), c.numHeads(), c.intermediateSize(), c.hiddenAct(), c.vocabSize(),
        c.maxPositions(), c.layerNormEps());
    for (String note : r.notes()) {
      System.err.println("  " + note);
    }
    return 0;
  }
}
