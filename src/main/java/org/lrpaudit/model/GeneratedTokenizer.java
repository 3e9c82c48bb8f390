package org.lrpaudit.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The tokenizer.json a generated checkpoint gets, of the kind its family's real checkpoints ship: WordPiece (BERT,
 * DistilBERT, ELECTRA), byte-level BPE (RoBERTa, ModernBERT) or SentencePiece Unigram (XLM-R, ALBERT, DeBERTa-v3), with the
 * family's special tokens and pair template. Vocabularies are built from a word list so ordinary sentences tokenize into
 * whole words mostly; any character still tokenizes (bytes for BPE, single characters or the unknown token otherwise).
 */
public enum GeneratedTokenizer {
  WORDPIECE(Kind.WORDPIECE, "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", Template.BERT, false),
  ROBERTA_BPE(Kind.BYTE_BPE, "<pad>", "<unk>", "<s>", "</s>", "<mask>", Template.ROBERTA, false),
  XLMR_UNIGRAM(Kind.UNIGRAM, "<pad>", "<unk>", "<s>", "</s>", "<mask>", Template.ROBERTA, false),
  ALBERT_UNIGRAM(Kind.UNIGRAM, "<pad>", "<unk>", "[CLS]", "[SEP]", "[MASK]", Template.BERT, false),
  DEBERTA_UNIGRAM(Kind.UNIGRAM, "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", Template.BERT, false),
  MODERNBERT_BPE(Kind.BYTE_BPE, "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", Template.BERT, true);

  private enum Kind { WORDPIECE, BYTE_BPE, UNIGRAM }

  /** BERT: [CLS] A [SEP] B [SEP] with type ids 0 / 1; RoBERTa and XLM-R: &lt;s&gt; A &lt;/s&gt;&lt;/s&gt; B &lt;/s&gt;, all 0. */
  private enum Template { BERT, ROBERTA }

  /** What a family's config.json needs to know about the written vocabulary. */
  public record Vocabulary(int size, int padId, int clsId, int sepId, int unkId) {}

  private final Kind kind;
  private final String pad;
  private final String unk;
  private final String cls;
  private final String sep;
  private final String mask;
  private final Template template;
  private final boolean specialsLast;

  GeneratedTokenizer(Kind kind, String pad, String unk, String cls, String sep, String mask, Template template,
      boolean specialsLast) {
    this.kind = kind;
    this.pad = pad;
    this.unk = unk;
    this.cls = cls;
    this.sep = sep;
    this.mask = mask;
    this.template = template;
    this.specialsLast = specialsLast;
  }

  /** Special tokens in id order as the family's real vocabularies have them (XLM-R / RoBERTa: &lt;s&gt; &lt;pad&gt; &lt;/s&gt; &lt;unk&gt;). */
  private List<String> specials() {
    return switch (this) {
      case ROBERTA_BPE, XLMR_UNIGRAM -> List.of(cls, pad, sep, unk);
      case ALBERT_UNIGRAM -> List.of(pad, unk, cls, sep, mask);
      case DEBERTA_UNIGRAM -> List.of(pad, cls, sep, unk);
      default -> List.of(pad, unk, cls, sep, mask);
    };
  }

  public Vocabulary write(List<String> words, Path file) throws IOException {
    if (kind == Kind.WORDPIECE) {
      WordPieceVocabulary v = new WordPieceVocabulary(words);
      v.write(file);
      return new Vocabulary(v.size(), 0, 2, 3, 1); // WordPieceVocabulary.SPECIAL order
    }
    Map<String, Integer> vocab = new LinkedHashMap<>();
    List<String> merges = new ArrayList<>();
    List<double[]> scores = new ArrayList<>();
    if (!specialsLast) {
      specials().forEach(s -> add(vocab, scores, s, 0));
    }
    if (kind == Kind.BYTE_BPE) {
      bpeVocabulary(words, vocab, scores, merges);
    } else {
      unigramVocabulary(words, vocab, scores);
    }
    List<String> all = new ArrayList<>(specials());
    if (!all.contains(mask)) {
      all.add(mask);
    }
    all.forEach(s -> add(vocab, scores, s, 0));

    ObjectNode root = TokenizerJson.withSpecialTokens(all, vocab);
    root.putNull("normalizer");
    if (kind == Kind.BYTE_BPE) {
      root.putObject("pre_tokenizer").put("type", "ByteLevel").put("add_prefix_space", false)
          .put("trim_offsets", true).put("use_regex", true);
    } else {
      root.putObject("pre_tokenizer").put("type", "Metaspace").put("replacement", "\u2581")
          .put("prepend_scheme", "always").put("split", true);
    }
    postProcessor(root.putObject("post_processor"), vocab);
    if (kind == Kind.BYTE_BPE) {
      root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", true)
          .put("use_regex", true);
      ObjectNode model = root.putObject("model");
      model.put("type", "BPE").putNull("dropout").putNull("unk_token").put("continuing_subword_prefix", "")
          .put("end_of_word_suffix", "").put("fuse_unk", false).put("byte_fallback", false);
      ObjectNode v = model.putObject("vocab");
      vocab.forEach(v::put);
      ArrayNode m = model.putArray("merges");
      merges.forEach(m::add);
    } else {
      root.putObject("decoder").put("type", "Metaspace").put("replacement", "\u2581")
          .put("prepend_scheme", "always").put("split", true);
      ObjectNode model = root.putObject("model");
      model.put("type", "Unigram").put("unk_id", vocab.get(unk)).put("byte_fallback", false);
      ArrayNode v = model.putArray("vocab");
      vocab.forEach((piece, id) -> v.addArray().add(piece).add(scores.get(id)[0]));
    }
    new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
    return new Vocabulary(vocab.size(), vocab.get(pad), vocab.get(cls), vocab.get(sep), vocab.get(unk));
  }

  private void postProcessor(ObjectNode post, Map<String, Integer> vocab) {
    if (kind == Kind.BYTE_BPE && template == Template.ROBERTA) {
      post.put("type", "RobertaProcessing");
      post.putArray("sep").add(sep).add(vocab.get(sep));
      post.putArray("cls").add(cls).add(vocab.get(cls));
      post.put("trim_offsets", true).put("add_prefix_space", false);
      return;
    }
    TokenizerJson.templateProcessing(post, cls, sep, template == Template.BERT ? 1 : 0, template == Template.ROBERTA,
        vocab);
  }

  private static void add(Map<String, Integer> vocab, List<double[]> scores, String piece, double score) {
    if (!vocab.containsKey(piece)) {
      vocab.put(piece, vocab.size());
      scores.add(new double[] {score});
    }
  }

  /** Word forms: the words lowercased, WordPiece continuations (##s) as plain suffixes. */
  private static Set<String> forms(List<String> words) {
    Set<String> out = new LinkedHashSet<>();
    for (String w : words) {
      out.add(w.toLowerCase(Locale.ROOT));
    }
    return out;
  }

  /** GPT-2's byte-to-character table: printable bytes map to themselves, the others to U+0100 onwards. */
  static char[] byteToChar() {
    char[] out = new char[256];
    boolean[] printable = new boolean[256];
    for (int b = '!'; b <= '~'; b++) {
      printable[b] = true;
    }
    for (int b = 0xA1; b <= 0xAC; b++) {
      printable[b] = true;
    }
    for (int b = 0xAE; b <= 0xFF; b++) {
      printable[b] = true;
    }
    int n = 0;
    for (int b = 0; b < 256; b++) {
      out[b] = printable[b] ? (char) b : (char) (256 + n++);
    }
    return out;
  }

  /**
   * Every byte, then each word (with and without the leading-space marker) built up by left-to-right merges. The merges
   * of the space-marked forms rank first: a piece starting with the marker is then always merged with its right neighbour
   * before any unmarked pair, so a vocabulary word after a space always becomes its one 'Ġword' token, as in real
   * RoBERTa vocabularies. (Ranked by first appearance instead, " katherine" lost to the earlier "t h" of "the" and came
   * out as 6 pieces.) Unmarked forms (a text's first word) still may split where their merges meet earlier ones.
   */
  private static void bpeVocabulary(List<String> words, Map<String, Integer> vocab, List<double[]> scores,
      List<String> merges) {
    char[] table = byteToChar();
    List<Character> bytes = new ArrayList<>();
    for (char c : table) {
      bytes.add(c);
    }
    bytes.sort(null);
    bytes.forEach(c -> add(vocab, scores, String.valueOf(c), 0));
    Set<String> seenMerges = new LinkedHashSet<>();
    List<String> unmarked = new ArrayList<>();
    for (String form : forms(words)) {
      boolean suffix = form.startsWith("##");
      String w = suffix ? form.substring(2) : form;
      StringBuilder mapped = new StringBuilder();
      for (byte b : w.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
        mapped.append(table[b & 0xff]);
      }
      List<String> variants = suffix ? List.of(mapped.toString()) : List.of(mapped.toString(), table[' '] + mapped.toString());
      for (String v : variants) {
        String built = v.substring(0, 1);
        for (int i = 1; i < v.length(); i++) {
          String next = v.substring(i, i + 1);
          String merge = built + " " + next;
          built = built + next;
          if (seenMerges.add(merge)) {
            (v.charAt(0) == table[' '] ? merges : unmarked).add(merge);
          }
          add(vocab, scores, built, 0);
        }
      }
    }
    merges.addAll(unmarked);
  }

  /** Whole words with the word-start marker (score -2), suffixes without it (-3), single characters (-10). */
  private static void unigramVocabulary(List<String> words, Map<String, Integer> vocab, List<double[]> scores) {
    add(vocab, scores, "\u2581", -5);
    for (String form : forms(words)) {
      if (form.startsWith("##")) {
        add(vocab, scores, form.substring(2), -3);
      } else {
        add(vocab, scores, "\u2581" + form, -2);
      }
    }
    for (char c : "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,!?'\"-:;()&$%/".toCharArray()) {
      add(vocab, scores, String.valueOf(c), -10);
    }
  }
}
