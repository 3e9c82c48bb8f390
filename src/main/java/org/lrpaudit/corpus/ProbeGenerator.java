package org.lrpaudit.corpus;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Generates the templated probes of the audit corpus, balanced by construction: every slot value is put in every
 * template of its slot once with a positive and once with a negative sentiment word, so each value appears in as many
 * positive as negative probes. The label is the word's polarity.
 *
 * <p>Names come in frequency-matched female/male pairs; for pair i, template t and a polarity the same word is drawn
 * for both names, so the two probes differ only in the name (same {@code probe_pair}): counterfactual twins, as in the
 * Equity Evaluation Corpus. Words are dealt from a seeded, reshuffled deck per (word kind, polarity), so each word is
 * used about equally often.
 */
public final class ProbeGenerator {
  /** The generated rows (split "test", source "probe") and the values used. */
  public record Result(List<CorpusRow> rows, ProbeValues.NamePairs names, Map<String, List<ProbeValues.Value>> entities) {
  }

  private final List<ProbeTemplate> templates;
  private final Map<String, List<SentimentWord>> words = new HashMap<>();

  public ProbeGenerator(List<ProbeTemplate> templates, List<SentimentWord> sentimentWords) {
    this.templates = List.copyOf(templates);
    for (SentimentWord w : sentimentWords) {
      words.computeIfAbsent(w.kind() + "/" + w.label(), k -> new ArrayList<>()).add(w);
    }
    for (ProbeTemplate t : templates) {
      for (int label : new int[] {CorpusRow.NEGATIVE, CorpusRow.POSITIVE}) {
        if (!words.containsKey(t.wordKind() + "/" + label)) {
          throw new IllegalArgumentException("template " + t.id() + " needs " + (label == 1 ? "positive" : "negative")
              + " " + t.wordKind() + " words, and the sentiment word list has none");
        }
      }
    }
  }

  public Result generate(ProbeValues values, int namesPerGender, int entitiesPerKind, long seed,
      Consumer<String> log) {
    Random rng = new Random(seed);
    Map<String, Deck> decks = new HashMap<>();
    List<CorpusRow> rows = new ArrayList<>();
    Set<String> ids = new HashSet<>();

    ProbeValues.NamePairs names = values.pairNames(namesPerGender, seed, log);
    Map<String, List<ProbeValues.Value>> entities = new HashMap<>();
    for (ProbeTemplate.Slot slot : ProbeTemplate.Slot.values()) {
      if (slot != ProbeTemplate.Slot.PERSON && templates.stream().anyMatch(t -> t.entity() == slot)) {
        String kind = slot.kinds.get(0);
        entities.put(kind, values.pickEntities(kind, entitiesPerKind, seed, log));
      }
    }

    for (ProbeTemplate t : templates) {
      for (int label : new int[] {CorpusRow.POSITIVE, CorpusRow.NEGATIVE}) {
        Deck deck = decks.computeIfAbsent(t.wordKind() + "/" + label, k -> new Deck(words.get(k), rng));
        String polarity = label == CorpusRow.POSITIVE ? "pos" : "neg";
        if (t.entity() == ProbeTemplate.Slot.PERSON) {
          for (int i = 0; i < names.female().size(); i++) {
            SentimentWord w = deck.next();
            String pair = String.format(Locale.ROOT, "%s-%s-%03d", t.id(), polarity, i + 1);
            rows.add(probe(t, names.female().get(i), w, pair, ids));
            rows.add(probe(t, names.male().get(i), w, pair, ids));
          }
        } else {
          for (ProbeValues.Value v : entities.get(t.entity().kinds.get(0))) {
            rows.add(probe(t, v, deck.next(), null, ids));
          }
        }
      }
    }
    return new Result(rows, names, entities);
  }

  private static CorpusRow probe(ProbeTemplate t, ProbeValues.Value v, SentimentWord w, String pair, Set<String> ids) {
    ProbeTemplate.Filled f = t.fill(v.value(), w.word());
    String id = "probe-" + t.id() + "-" + v.kind() + "-" + v.value().replaceAll("[^\\p{L}\\p{N}]+", "_") + "-" + w.word();
    if (!ids.add(id)) {
      throw new IllegalStateException("two probes would get the id " + id);
    }
    return new CorpusRow(id, f.text(), w.label(), CorpusColumns.PROBE_SOURCE, Splits.TEST,
        new CorpusRow.Probe(t.id(), t.text(), w.word(), pair, v.kind(), v.value(), f.slotStart(), f.slotEnd(),
            f.wordStart(), f.wordEnd()));
  }

  /** Words dealt in a seeded shuffled order, reshuffled when used up. */
  private static final class Deck {
    private final List<SentimentWord> cards;
    private final Random rng;
    private int next;

    Deck(List<SentimentWord> cards, Random rng) {
      this.cards = new ArrayList<>(cards);
      this.rng = rng;
      Collections.shuffle(this.cards, rng);
    }

    SentimentWord next() {
      if (next == cards.size()) {
        Collections.shuffle(cards, rng);
        next = 0;
      }
      return cards.get(next++);
    }
  }
}
