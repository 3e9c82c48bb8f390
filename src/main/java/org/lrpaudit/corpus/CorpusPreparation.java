package org.lrpaudit.corpus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * prepare-corpus: the raw sentence sources normalised into one corpus table, and the audit corpus (the corpus's test
 * sentences plus generated probes), each written as CSV and Parquet into one folder:
 * {@code corpus.csv}, {@code corpus.parquet}, {@code audit_corpus.csv}, {@code audit_corpus.parquet}.
 *
 * <p>Real sentences: read in the order pang-lee, uci-imdb, uci-yelp, uci-amazon; empty records dropped; a text that
 * repeats an earlier one (compared lowercased, white space collapsed) is dropped too, so no sentence is in two splits;
 * split from a hash of id and seed (80/10/10). Every output file is written beside its place and moved in when
 * complete.
 */
public final class CorpusPreparation {
  public static final String CORPUS = "corpus";
  public static final String AUDIT = "audit_corpus";

  /** Inputs and knobs. */
  public record Options(Path raw, Path lexicons, Path out, long seed, Path templates, Path sentimentWords,
      Path nameStoplist, int namesPerGender, int entitiesPerKind) {
    public Path tokenizer() {
      return raw.resolve("minilm").resolve("all-minilm-l6-v2-tokenizer.json");
    }
  }

  /** What was written. */
  public record Result(List<CorpusRow> corpus, List<CorpusRow> audit, int droppedEmpty, int droppedDuplicates,
      int duplicateLabelConflicts) {
  }

  private CorpusPreparation() {
  }

  public static Result run(Options o, Consumer<String> log) throws IOException {
    // Every input checked before anything is read or written: a missing one is named at once.
    for (String s : RawSources.ALL) {
      Path f = RawSources.file(o.raw(), s);
      if (!Files.isRegularFile(f)) {
        throw new SourceFileMissingException(f, "raw source file of '" + s + "'");
      }
    }
    // The four output files are replaced only if they are what this command wrote before (same columns).
    requireOwnOrAbsent(o.out(), CORPUS, false);
    requireOwnOrAbsent(o.out(), AUDIT, true);
    List<ProbeTemplate> templates = ProbeTemplate.read(o.templates());
    List<SentimentWord> words = SentimentWord.read(o.sentimentWords());
    ProbeLexicons lex = ProbeLexicons.load(o.lexicons(), o.nameStoplist());
    BertVocabulary vocab = BertVocabulary.load(o.tokenizer());

    // Real sentences.
    Splits splits = Splits.standard(o.seed());
    List<CorpusRow> corpus = new ArrayList<>();
    Map<String, CorpusRow> seen = new HashMap<>();
    int empty = 0;
    int duplicates = 0;
    int conflicts = 0;
    for (String s : RawSources.ALL) {
      RawSources.Read read = RawSources.read(o.raw(), s);
      empty += read.droppedEmpty();
      int dup = 0;
      for (CorpusRow r : read.rows()) {
        String key = r.text().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
        CorpusRow first = seen.putIfAbsent(key, r);
        if (first != null) {
          dup++;
          if (first.label() != r.label()) {
            conflicts++;
          }
          continue;
        }
        corpus.add(r.withSplit(splits.assign(r.id())));
      }
      duplicates += dup;
      log.accept(String.format(Locale.ROOT, "read %-10s %5d rows from %s (dropped %d empty, %d duplicate texts)", s,
          read.rows().size() - dup, RawSources.file(o.raw(), s), read.droppedEmpty(), dup));
    }
    if (conflicts > 0) {
      log.accept("note: " + conflicts + " dropped duplicate texts had the other label than their first occurrence");
    }

    // Probes.
    checkAgainstAfinn(words, lex.afinn(), log);
    ProbeGenerator.Result probes = new ProbeGenerator(templates, words)
        .generate(new ProbeValues(lex, vocab), o.namesPerGender(), o.entitiesPerKind(), o.seed(), log);
    logValues(probes, log);
    List<CorpusRow> audit = new ArrayList<>();
    corpus.stream().filter(r -> r.split().equals(Splits.TEST)).forEach(audit::add);
    audit.addAll(probes.rows());

    Files.createDirectories(o.out());
    writeBoth(o.out(), CORPUS, corpus, false);
    writeBoth(o.out(), AUDIT, audit, true);

    log.accept("corpus: " + corpus.size() + " rows by source, label and split:\n"
        + CorpusCounts.bySplit(corpus, CorpusCounts::sourceLabel, "source label"));
    log.accept("audit corpus: " + audit.size() + " rows (the test split + " + probes.rows().size() + " probes):\n"
        + CorpusCounts.bySplit(audit, CorpusCounts::kindLabel, "source/slot label"));
    log.accept("wrote " + o.out().resolve(CORPUS + ".{csv,parquet}") + " and " + o.out().resolve(AUDIT + ".{csv,parquet}"));
    return new Result(corpus, audit, empty, duplicates, conflicts);
  }

  /**
   * Fails unless DIR/NAME.csv and DIR/NAME.parquet are absent or an earlier output of this command: a CSV whose header
   * is exactly our columns, a Parquet file whose schema is exactly ours. A user's file of the same name is never replaced.
   */
  static void requireOwnOrAbsent(Path dir, String name, boolean probeColumns) throws IOException {
    Path csv = dir.resolve(name + ".csv");
    Path parquet = dir.resolve(name + ".parquet");
    String header = String.join(",", CorpusColumns.of(probeColumns));
    if (Files.exists(csv, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      String first = null;
      if (Files.isRegularFile(csv, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        try (java.io.BufferedReader in = Files.newBufferedReader(csv, java.nio.charset.StandardCharsets.UTF_8)) {
          first = in.readLine();
        } catch (java.nio.charset.CharacterCodingException e) {
          first = null;
        }
      }
      if (!header.equals(first)) {
        throw notOurs(csv, "its first line is not the header " + header);
      }
    }
    if (Files.exists(parquet, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      boolean ours = false;
      if (Files.isRegularFile(parquet, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        try (org.apache.parquet.hadoop.ParquetFileReader r = org.apache.parquet.hadoop.ParquetFileReader.open(
            new CorpusParquet.LocalInputFile(parquet))) {
          ours = r.getFooter().getFileMetaData().getSchema().equals(CorpusParquet.schema(probeColumns));
        } catch (IOException | RuntimeException e) {
          ours = false;
        }
      }
      if (!ours) {
        throw notOurs(parquet, "it is not a Parquet file with the corpus schema");
      }
    }
  }

  private static IllegalArgumentException notOurs(Path file, String why) {
    return new IllegalArgumentException(file + " exists and was not written by prepare-corpus (" + why + "); it is "
        + "never replaced: choose another --out, or move the file away");
  }

  private static void writeBoth(Path dir, String name, List<CorpusRow> rows, boolean probeColumns) throws IOException {
    Path csv = dir.resolve(name + ".csv");
    Path parquet = dir.resolve(name + ".parquet");
    Path csvTmp = dir.resolve("." + name + ".csv.tmp");
    Path parquetTmp = dir.resolve("." + name + ".parquet.tmp");
    try {
      CorpusCsv.write(csvTmp, rows, probeColumns);
      CorpusParquet.write(parquetTmp, rows, probeColumns);
      Files.move(csvTmp, csv, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Files.move(parquetTmp, parquet, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(csvTmp);
      Files.deleteIfExists(parquetTmp);
    }
  }

  /** Says where AFINN-165 (when fetched) disagrees with the project's sentiment words or lacks them. */
  static List<String> checkAgainstAfinn(List<SentimentWord> words, Map<String, Integer> afinn, Consumer<String> log) {
    List<String> disagree = new ArrayList<>();
    if (afinn.isEmpty()) {
      log.accept("sentiment words: AFINN-165 lexicon not found, polarity not cross-checked");
      return disagree;
    }
    List<String> absent = new ArrayList<>();
    for (SentimentWord w : words) {
      Integer score = afinn.get(w.word().toLowerCase(Locale.ROOT));
      if (score == null) {
        absent.add(w.word());
      } else if ((score > 0) != (w.label() == CorpusRow.POSITIVE) || score == 0) {
        disagree.add(w.word() + " (" + score + ")");
      }
    }
    log.accept(String.format(Locale.ROOT, "sentiment words: %d, AFINN-165 agrees on the polarity of %d%s%s",
        words.size(), words.size() - absent.size() - disagree.size(),
        disagree.isEmpty() ? "" : "; DISAGREES on " + disagree,
        absent.isEmpty() ? "" : "; not in AFINN-165: " + absent));
    return disagree;
  }

  private static void logValues(ProbeGenerator.Result p, Consumer<String> log) {
    List<String> pairs = new ArrayList<>();
    double logGap = 0;
    for (int i = 0; i < p.names().female().size(); i++) {
      ProbeValues.Value f = p.names().female().get(i);
      ProbeValues.Value m = p.names().male().get(i);
      pairs.add(f.value() + "/" + m.value());
      logGap += Math.abs(Math.log(f.rank()) - Math.log(m.rank()));
    }
    int n = Math.max(1, pairs.size());
    log.accept(String.format(Locale.ROOT, "probe names: %d female/male pairs (mean |ln frequency-rank ratio| %.3f; "
        + "rank: US births, else vocabulary id): %s", pairs.size(), logGap / n, String.join(", ", pairs)));
    for (String kind : List.of(ProbeKinds.COUNTRY, ProbeKinds.CITY, ProbeKinds.ORGANIZATION)) {
      List<ProbeValues.Value> v = p.entities().getOrDefault(kind, List.of());
      log.accept("probe " + kind + ": " + v.size() + ": "
          + v.stream().map(ProbeValues.Value::value).collect(Collectors.joining(", ")));
    }
  }
}
