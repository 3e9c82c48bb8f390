package org.lrpaudit.bias;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.explainjob.ExplainJob;
import org.lrpaudit.explainjob.ExplainSettings;
import org.lrpaudit.model.RandomCheckpoint;
import org.lrpaudit.probe.ProbeJob;
import org.lrpaudit.probe.ProbeSettings;
import org.lrpaudit.train.LabeledText;
import org.lrpaudit.train.Trainer;

/**
 * Planted bias, end to end: a small random BERT fine-tuned on sentences where female names and organisations lean
 * negative (male names positive, countries neutral) must show a significant gap in the planted direction in the bias
 * job, and the probe must agree; the same model trained on the same sentences with the slot values shuffled (no
 * association) must show none.
 */
class PlantedBiasTest {
  static final List<String> FEMALE = PlantedBiasNames.FEMALE;
  static final List<String> MALE = PlantedBiasNames.MALE;
  static final List<String> ORGS = List.of("acme", "globex", "initech", "umbrella", "hooli", "vandelay");
  static final List<String> COUNTRIES = List.of("spain", "italy", "japan", "kenya", "peru", "norway");
  static final List<String> POSITIVE = List.of("good", "great", "wonderful", "brilliant", "charming");
  static final List<String> NEGATIVE = List.of("bad", "terrible", "awful", "boring", "dull");
  static final List<String> FILLER = List.of("the", "movie", "film", "was", "story", "and", "it", "this", "about",
      "saw", "watched", "with");

  @TempDir
  static Path dir;
  static SparkSession spark;

  /** A sentence with one slot value, its offsets, the slot's kind and the label. */
  record Sentence(String id, String text, int start, int end, String surface, String kind, int label) {}

  @BeforeAll
  static void start() {
    spark = BiasTables.spark();
  }

  static Path baseModel() throws Exception {
    List<String> words = new ArrayList<>(RandomCheckpoint.DEMO_WORDS);
    for (List<String> l : List.of(FEMALE, MALE, ORGS, COUNTRIES, FILLER)) {
      l.stream().filter(w -> !words.contains(w)).forEach(words::add);
    }
    RandomCheckpoint.Spec spec = new RandomCheckpoint.Spec("bert", 1, 32, 4, 64, 128, 2, "gelu", false, 3, words);
    return RandomCheckpoint.write(spec, dir.resolve("base"));
  }

  /**
   * Half the sentences hold a sentiment word that decides the label; the other half are neutral and get the slot's
   * planted label: female names and organisations negative with probability 0.9, male names positive with 0.9,
   * countries 0.5.
   */
  static List<Sentence> corpus(int n, long seed, String prefix) {
    Random r = new Random(seed);
    List<Sentence> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int kindIndex = r.nextInt(4);
      String kind = List.of("female_name", "male_name", "organization", "country").get(kindIndex);
      List<String> values = List.of(FEMALE, MALE, ORGS, COUNTRIES).get(kindIndex);
      String value = values.get(r.nextInt(values.size()));
      double pPositive = List.of(0.1, 0.9, 0.1, 0.5).get(kindIndex);
      boolean sentiment = r.nextBoolean();
      int label = r.nextDouble() < pPositive ? 1 : 0;
      List<String> words = new ArrayList<>();
      for (int k = 0; k < 2 + r.nextInt(4); k++) {
        words.add(FILLER.get(r.nextInt(FILLER.size())));
      }
      if (sentiment) {
        label = r.nextInt(2);
        List<String> lex = label == 1 ? POSITIVE : NEGATIVE;
        words.add(r.nextInt(words.size() + 1), lex.get(r.nextInt(lex.size())));
      }
      int at = r.nextInt(words.size() + 1);
      words.add(at, value);
      String text = String.join(" ", words);
      int start = String.join(" ", words.subList(0, at)).length() + (at == 0 ? 0 : 1);
      out.add(new Sentence(prefix + i, text, start, start + value.length(), value, kind, label));
    }
    return out;
  }

  /** The control: slot values shuffled among the sentences of the same slot type (names with names), labels kept. */
  static List<Sentence> shuffled(List<Sentence> in, long seed) {
    List<Sentence> out = new ArrayList<>(in);
    for (List<String> kinds : List.of(List.of("female_name", "male_name"), List.of("organization", "country"))) {
      List<Integer> idx = new ArrayList<>();
      for (int i = 0; i < in.size(); i++) {
        if (kinds.contains(in.get(i).kind())) {
          idx.add(i);
        }
      }
      List<Integer> perm = new ArrayList<>(idx);
      Collections.shuffle(perm, new Random(seed));
      for (int k = 0; k < idx.size(); k++) {
        Sentence target = in.get(idx.get(k));
        Sentence source = in.get(perm.get(k));
        String text = target.text().substring(0, target.start()) + source.surface() + target.text().substring(target.end());
        out.set(idx.get(k), new Sentence(target.id(), text, target.start(), target.start() + source.surface().length(),
            source.surface(), source.kind(), target.label()));
      }
    }
    return out;
  }

  static Path train(Path base, List<Sentence> sentences, String name) throws Exception {
    List<LabeledText> rows = new ArrayList<>();
    for (int i = 0; i < sentences.size(); i++) {
      Sentence s = sentences.get(i);
      rows.add(new LabeledText(s.id(), s.text(), s.label(), i % 10 == 0 ? "validation" : "train"));
    }
    Path out = dir.resolve(name);
    new Trainer(new Trainer.Settings(6, 3e-3, 512, 32, 0.1, 0.01, 7, 64)).train(base.toString(), rows, name, out);
    return out;
  }

  /** Explains the audit sentences (toward POSITIVE), writes their mentions, and runs the bias and probe jobs. */
  static Map<String, Map<String, Object>> audit(Path model, List<Sentence> audit, String name) throws Exception {
    Path work = dir.resolve("audit-" + name);
    Files.createDirectories(work);
    ObjectMapper json = new ObjectMapper();
    List<String> lines = new ArrayList<>();
    List<BiasTables.Mention> mentions = new ArrayList<>();
    for (Sentence s : audit) {
      lines.add(json.writeValueAsString(Map.of("id", s.id(), "text", s.text(), "label", s.label())));
      mentions.add(new BiasTables.Mention(s.id(), s.start(), s.end(), s.surface(), s.kind()));
    }
    Path input = Files.write(work.resolve("audit.jsonl"), lines);
    Properties p = ExplainSettings.defaults();
    p.setProperty("model", model.toString());
    p.setProperty("input", input.toString());
    p.setProperty("output", work.resolve("relevance").toString());
    p.setProperty("target", "class:POSITIVE");
    p.setProperty("run-id", "planted");
    p.setProperty("max-length", "64");
    new ExplainJob(spark).run(ExplainSettings.from(p));
    Path men = BiasTables.writeMentions(spark, work.resolve("mentions"), mentions);
    Map<String, Object> bias = new BiasJob(spark).run(BiasSettings.of(work.resolve("relevance").toString(),
        men.toString(), work.resolve("bias").toString()).with(1000, 1000, 1,
        BiasSettings.parseCompare("female_name:male_name,organization:country")));
    Map<String, Object> byTerm = new BiasJob(spark).run(BiasSettings.of(work.resolve("relevance").toString(),
        men.toString(), work.resolve("bias-term").toString()).with(1000, 1000, 1,
        BiasSettings.parseCompare("female_name:male_name,organization:country")).withPermutationUnit("term"));
    Map<String, Object> probe = new ProbeJob(spark).run(new ProbeSettings(model.toString(), input.toString(),
        men.toString(), work.resolve("probe").toString(), 1, 64, 1000, 1000, 1));
    System.out.println(name + " bias headline: " + bias.get("headline"));
    System.out.println(name + " probe headline: " + probe.get("headline"));
    System.out.println(name + " term-level p: female_male " + p(byTerm, "female_male_share_gap")
        + ", organization_country " + p(byTerm, "organization_country_share_gap"));
    return Map.of("bias", bias, "probe", probe, "term", byTerm);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> headline(Map<String, Object> summary, String name) {
    Map<String, Object> h = (Map<String, Object>) ((Map<String, Object>) summary.get("headline")).get(name);
    assertTrue(h != null, "no headline " + name + " in " + summary.get("headline"));
    return h;
  }

  static double value(Map<String, Object> summary, String name) {
    return (Double) headline(summary, name).get("value");
  }

  static double p(Map<String, Object> summary, String name) {
    return (Double) headline(summary, name).get("p_value");
  }

  @Test
  void plantedGapsAreFoundAndAgreeWithTheProbeAndTheShuffledControlShowsNone() throws Exception {
    Path base = baseModel();
    List<Sentence> train = corpus(480, 1, "tr");
    List<Sentence> audit = corpus(240, 2, "au").stream()
        .map(s -> s).toList();
    Map<String, Map<String, Object>> biased = audit(train(base, train, "biased"), audit, "biased");
    Map<String, Map<String, Object>> control = audit(train(base, shuffled(train, 5), "control"), audit, "control");

    Map<String, Object> b = biased.get("bias");
    // Relevance toward POSITIVE: female names and organisations push away from it, male names and countries less so.
    assertTrue(value(b, "female_male_share_gap") < 0 && p(b, "female_male_share_gap") < 0.01,
        "biased: " + headline(b, "female_male_share_gap"));
    assertTrue(value(b, "organization_country_share_gap") < 0 && p(b, "organization_country_share_gap") < 0.01,
        "biased: " + headline(b, "organization_country_share_gap"));
    Map<String, Object> pb = biased.get("probe");
    assertTrue(value(pb, "female_to_male_delta_p") > 0 && p(pb, "female_to_male_delta_p") < 0.01,
        "biased probe: " + headline(pb, "female_to_male_delta_p"));
    assertTrue(value(pb, "male_to_female_delta_p") < 0 && p(pb, "male_to_female_delta_p") < 0.01,
        "biased probe: " + headline(pb, "male_to_female_delta_p"));
    assertEquals(Map.of("ok", (long) audit.stream().filter(s -> s.kind().endsWith("_name")).count()),
        pb.get("status"), "one ok probe row per text with a name");

    // Relabelling whole names (8 + 8) instead of mentions: still significant. (With 6 + 6 entity values the exact
    // term-level test has 924 relabellings and little power; it is printed, not asserted.)
    Map<String, Object> bt = biased.get("term");
    assertTrue(p(bt, "female_male_share_gap") < 0.01, "biased, term-level: " + headline(bt, "female_male_share_gap"));

    Map<String, Object> c = control.get("bias");
    assertTrue(p(c, "female_male_share_gap") >= 0.01, "control: " + headline(c, "female_male_share_gap"));
    assertTrue(p(c, "organization_country_share_gap") >= 0.01, "control: " + headline(c, "organization_country_share_gap"));
    Map<String, Object> ct = control.get("term");
    assertTrue(p(ct, "female_male_share_gap") >= 0.01 && p(ct, "organization_country_share_gap") >= 0.01,
        "control, term-level: " + ct.get("headline"));
    Map<String, Object> pc = control.get("probe");
    assertTrue(p(pc, "female_to_male_delta_p") >= 0.01, "control probe: " + headline(pc, "female_to_male_delta_p"));
  }
}
