package org.lrpaudit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.lrpaudit.annotate.AnnotateJob;
import org.lrpaudit.annotate.AnnotateSettings;
import org.lrpaudit.corpus.DataLayout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "annotate", mixinStandardHelpOptions = true,
    description = {"Spark job: find names, persons, countries, cities and organisations in a corpus with Spark NLP "
        + "(DocumentAssembler, Tokenizer, one TextMatcher per lexicon) and write the mentions table "
        + "OUTPUT/mentions/ (Parquet: id, start, end, surface, kind, lexicon; UTF-16 offsets, end exclusive) and "
        + "OUTPUT/annotate_summary.json. Prints the summary on standard output.",
        "Lexicons: conf/lexicons/lexicons.conf, then each --lexicons FILE merged on top (add one with "
            + "annotate.lexicons += {name, kind, file})."})
final class AnnotateCommand implements Callable<Integer> {
  @Option(names = "--input", required = true, paramLabel = "PATH", description = "Corpus file or folder (Parquet, CSV/TSV with a header, JSON lines).")
  String input;

  @Option(names = "--output", required = true, paramLabel = "PATH", description = "Output folder: mentions/ and annotate_summary.json go inside.")
  String output;

  @Option(names = "--lexicons", paramLabel = "FILE", description = "Lexicon configuration (HOCON) merged over conf/lexicons/lexicons.conf; repeatable.")
  List<Path> lexicons = new ArrayList<>();

  @Option(names = "--data", paramLabel = "DIR", description = "Data folder that the lexicons' data-file settings are "
      + "relative to (default: $LRP_AUDIT_DATA, else data.dir of conf/lrp-audit.conf; jobs/setup-data fills it).")
  Path data;

  @Option(names = "--language", paramLabel = "CODE", defaultValue = AnnotateSettings.DEFAULT_LANGUAGE,
      description = "Language of the texts (ISO 639-1: en, de, es, fr): lexicons configured for another language "
          + "(their `language` setting) are left out; lexicons without one always apply. Default ${DEFAULT-VALUE}. "
          + "A corpus of several languages: annotate each language's rows separately.")
  String language;

  @Option(names = "--overwrite", description = "Replace an existing mentions table and summary in --output.")
  boolean overwrite;

  @Option(names = "--input-format", paramLabel = "FMT", defaultValue = "auto", description = "auto (Delta table or file extension; default) | tsv | jsonl | a Spark data source name: parquet, csv, json, orc, delta, ...")
  String inputFormat;

  @Option(names = "--id-column", paramLabel = "NAME", defaultValue = "id", description = "Default id.")
  String idColumn;

  @Option(names = "--text-column", paramLabel = "NAME", defaultValue = "text", description = "Default text.")
  String textColumn;

  @Option(names = "--master", paramLabel = "URL", description = "Spark master when not run by spark-submit (default local[*]).")
  String master;

  @Override
  public Integer call() throws Exception {
    DataLayout layout = DataLayout.fromEnvironment();
    List<Path> configs = new ArrayList<>();
    configs.add(layout.home().resolve("conf").resolve("lexicons").resolve("lexicons.conf"));
    configs.addAll(lexicons);
    AnnotateSettings settings = new AnnotateSettings(input, output, inputFormat.trim().toLowerCase(), idColumn.trim(),
        textColumn.trim(), configs, data != null ? data.toAbsolutePath().normalize() : layout.data(), overwrite,
        language);
    try (CommandSession session = SparkCommands.session("lrp-audit annotate", master)) {
      SparkSession spark = session.spark();
      AnnotateJob.Summary summary = new AnnotateJob(spark).run(settings);
      System.out.println(new ObjectMapper().writeValueAsString(summary));
      return 0;
    }
  }
}
