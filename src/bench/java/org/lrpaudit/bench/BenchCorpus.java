package org.lrpaudit.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;
import org.lrpaudit.corpus.CorpusCsv;
import org.lrpaudit.corpus.CorpusRow;
import org.lrpaudit.model.RandomCheckpoint;

/**
 * Writes a seeded benchmark corpus as JSON lines {id, text, label}: sentences of MIN..MAX words of the random models'
 * vocabulary (whole-word tokens), lengths uniform. Usage: BenchCorpus OUT N SEED [MIN_WORDS MAX_WORDS].
 * Or the first N rows of a corpus CSV (id,text,label,...), repeated as often as needed with ids suffixed "#k", so a
 * real model meets the real text lengths: BenchCorpus OUT N --repeat CORPUS.csv.
 */
public final class BenchCorpus {
  private BenchCorpus() {}

  public static void main(String[] args) throws Exception {
    Path out = Paths.get(args[0]);
    int n = Integer.parseInt(args[1]);
    if (args.length == 4 && args[2].equals("--repeat")) {
      List<CorpusRow> rows = CorpusCsv.read(Paths.get(args[3]));
      write(out, n, i -> {
        CorpusRow r = rows.get(i % rows.size());
        return Map.of("id", r.id() + "#" + i / rows.size(), "text", r.text(), "label", r.label());
      });
      return;
    }
    Random rnd = new Random(Long.parseLong(args[2]));
    int min = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    int max = args.length > 4 ? Integer.parseInt(args[4]) : 40;
    List<String> vocab = RandomCheckpoint.DEMO_WORDS.stream().filter(w -> !w.startsWith("#") && !w.contains("'")).toList();
    write(out, n, i -> {
      int words = min + rnd.nextInt(max - min + 1);
      StringBuilder b = new StringBuilder();
      for (int k = 0; k < words; k++) {
        b.append(k == 0 ? "" : " ").append(vocab.get(rnd.nextInt(vocab.size())));
      }
      return Map.of("id", "t" + i, "text", b.toString(), "label", rnd.nextInt(2));
    });
  }

  private static void write(Path out, int n, IntFunction<Map<String, Object>> row) throws Exception {
    ObjectMapper json = new ObjectMapper();
    Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
    try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      for (int i = 0; i < n; i++) {
        w.write(json.writeValueAsString(row.apply(i)));
        w.newLine();
      }
    }
    Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }
}
