package org.lrpaudit.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.lrpaudit.corpus.CorpusPreparation;
import org.lrpaudit.corpus.DataLayout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "prepare-corpus", mixinStandardHelpOptions = true,
    description = {"Normalise the raw sentence sources fetched by jobs/setup-data (pang-lee, uci-imdb, uci-yelp, "
        + "uci-amazon) into one corpus table (id, text, label 0/1, source, split train/validation/test), and write the "
        + "audit corpus beside it: the test split plus templated probes (female/male names, countries, cities, "
        + "organisations, each in as many positive as negative sentences). Both as CSV and Parquet: "
        + "OUT/corpus.{csv,parquet}, OUT/audit_corpus.{csv,parquet}. Counts go to standard error.",
        "",
        "Defaults come from conf/lrp-audit.conf and $LRP_AUDIT_DATA (the data folder <data>)."})
final class PrepareCorpusCommand implements Callable<Integer> {
  @Option(names = "--raw", paramLabel = "DIR", description = "Raw sources folder (default <data>/raw).")
  Path raw;

  @Option(names = "--lexicons", paramLabel = "DIR", description = "Extracted lexicons folder (default <data>/lexicons).")
  Path lexicons;

  @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default <data>/corpus).")
  Path out;

  @Option(names = "--seed", defaultValue = "42", paramLabel = "N",
      description = "Seed of the split hash and the probe sampling (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--templates", paramLabel = "FILE",
      description = "Probe templates, id<TAB>template (default: probes.templates, conf/probes/templates.tsv).")
  Path templates;

  @Option(names = "--sentiment-words", paramLabel = "FILE",
      description = "Probe sentiment words, word<TAB>positive|negative<TAB>adj|emotion "
          + "(default: probes.sentiment-words, conf/lexicons/sentiment-words.tsv).")
  Path sentimentWords;

  @Option(names = "--name-stoplist", paramLabel = "FILE",
      description = "First names never used in probes (default: probes.name-stoplist, "
          + "conf/lexicons/probe-name-stoplist.txt).")
  Path nameStoplist;

  @Option(names = "--names-per-gender", defaultValue = "40", paramLabel = "N",
      description = "Female/male name pairs in the probes (default ${DEFAULT-VALUE}).")
  int namesPerGender;

  @Option(names = "--entities-per-kind", defaultValue = "20", paramLabel = "N",
      description = "Countries, cities and organisations each (default ${DEFAULT-VALUE}).")
  int entitiesPerKind;

  @Override
  public Integer call() throws Exception {
    if (namesPerGender < 0 || entitiesPerKind < 0) {
      throw new IllegalArgumentException("--names-per-gender and --entities-per-kind must be >= 0");
    }
    DataLayout layout = DataLayout.fromEnvironment();
    CorpusPreparation.Options o = new CorpusPreparation.Options(
        raw != null ? raw : layout.raw(),
        lexicons != null ? lexicons : layout.lexicons(),
        out != null ? out : layout.corpus(),
        seed,
        templates != null ? templates : layout.path("probes.templates", "conf/probes/templates.tsv"),
        sentimentWords != null ? sentimentWords
            : layout.path("probes.sentiment-words", "conf/lexicons/sentiment-words.tsv"),
        nameStoplist != null ? nameStoplist
            : layout.path("probes.name-stoplist", "conf/lexicons/probe-name-stoplist.txt"),
        namesPerGender, entitiesPerKind);
    long t0 = System.nanoTime();
    CorpusPreparation.run(o, msg -> System.err.println("prepare-corpus: " + msg));
    System.err.printf("prepare-corpus: done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    return 0;
  }
}
