package org.lrpaudit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The families' tokenizer.json kinds (byte-level BPE for RoBERTa, Unigram for XLM-R) and sentence pairs: ids and offsets
 * against the tokenizer library's own output, and against what the vocabulary file itself says.
 */
class FamilyTokenizerTest {
  static final List<String> HARD_TEXTS = List.of("  leading spaces and a movie", "Émile's café was naïve 😀 good",
      "the movie\twas  great!!", "ok 👍🏽 👨‍👩‍👧 déjà vu", "");

  @TempDir
  Path dir;

  private TextTokenizer load(String type) throws Exception {
    Path d = RandomCheckpoint.write(RandomCheckpoint.spec(type, 1, 16, 2, 32, true, 1), dir.resolve(type));
    return new TextTokenizer(d.resolve(Checkpoint.TOKENIZER), 128, ModelConfig.read(d.resolve(Checkpoint.CONFIG))
        .vocabSize());
  }

  @Test
  void robertaByteLevelBpeIdsAndOffsetsMatchTheLibraryAndTheBytes() throws Exception {
    Path file = dir.resolve("roberta").resolve(Checkpoint.TOKENIZER);
    try (TextTokenizer ours = load("roberta");
        HuggingFaceTokenizer library = HuggingFaceTokenizer.builder().optTokenizerPath(file).optAddSpecialTokens(true)
            .optPadding(false).optTruncation(false).build()) {
      Map<String, Integer> vocab = new HashMap<>();
      new ObjectMapper().readTree(file.toFile()).path("model").path("vocab").fields()
          .forEachRemaining(f -> vocab.put(f.getKey(), f.getValue().asInt()));
      Map<Character, Integer> byteOf = new HashMap<>();
      char[] table = GeneratedTokenizer.byteToChar();
      for (int b = 0; b < 256; b++) {
        byteOf.put(table[b], b);
      }
      for (String text : HARD_TEXTS) {
        TokenizedText t = ours.encode(text);
        Encoding e = library.encode(text);
        assertArrayEquals(e.getIds(), t.ids(), text);
        assertEquals("<s>", t.tokens()[0]);
        assertEquals("</s>", t.tokens()[t.length() - 1]);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 1; i < t.length() - 1; i++) {
          assertEquals(vocab.get(t.tokens()[i]), (int) t.ids()[i], "id of " + t.tokens()[i]);
          byte[] bytes = new byte[t.tokens()[i].length()];
          for (int k = 0; k < bytes.length; k++) {
            bytes[k] = (byte) (int) byteOf.get(t.tokens()[i].charAt(k));
          }
          all.writeBytes(bytes);
          // Offsets: the library's code-point offsets, converted here independently, equal ours.
          assertEquals(text.offsetByCodePoints(0, e.getCharTokenSpans()[i].getStart()), t.starts()[i]);
          assertEquals(text.offsetByCodePoints(0, e.getCharTokenSpans()[i].getEnd()), t.ends()[i]);
          // Where a token is whole characters, the offsets cover exactly them (trim_offsets drops the leading space).
          String s = new String(bytes, StandardCharsets.UTF_8);
          if (!s.contains("\uFFFD") && !s.isBlank()) {
            assertEquals(s.strip(), text.substring(t.starts()[i], t.ends()[i]), "token " + i + " of '" + text + "'");
          }
        }
        // Byte-level BPE is lossless: the tokens' bytes are the text's bytes.
        assertEquals(text, all.toString(StandardCharsets.UTF_8));
      }
      // The first word has no leading-space marker, the next ones do (the generated merges do not always rebuild a
      // whole word: "great" may come out as "Ġgre" + "at", as real BPE vocabularies split rarer words).
      List<String> words = Arrays.asList(ours.encode("the movie was great").tokens());
      assertEquals("the", words.get(1));
      assertTrue(words.get(2).startsWith("\u0120"), words.toString());
    }
  }

  @Test
  void xlmRobertaUnigramMatchesTheLibrary() throws Exception {
    Path file = dir.resolve("xlm-roberta").resolve(Checkpoint.TOKENIZER);
    try (TextTokenizer ours = load("xlm-roberta");
        HuggingFaceTokenizer library = HuggingFaceTokenizer.builder().optTokenizerPath(file).optAddSpecialTokens(true)
            .optPadding(false).optTruncation(false).build()) {
      for (String text : HARD_TEXTS) {
        TokenizedText t = ours.encode(text);
        Encoding e = library.encode(text);
        assertArrayEquals(e.getIds(), t.ids(), text);
        for (int i = 1; i < t.length() - 1; i++) {
          assertEquals(text.offsetByCodePoints(0, e.getCharTokenSpans()[i].getStart()), t.starts()[i]);
          assertEquals(text.offsetByCodePoints(0, e.getCharTokenSpans()[i].getEnd()), t.ends()[i]);
        }
      }
      assertEquals(List.of("<s>", "\u2581the", "\u2581movie", "\u2581was", "\u2581great", "</s>"),
          Arrays.asList(ours.encode("the movie was great").tokens()));
      assertEquals(0, ours.encode("x").ids()[0]);
      assertEquals(1, ours.padId());
      assertEquals(3, ours.unkId()); // Unigram's unk_id
    }
  }

  @Test
  void sentencePairsCarryTokenTypesSegmentsAndOffsetsIntoTheirOwnText() throws Exception {
    String a = "the movie was great";
    String b = "Emile loved the film";
    try (TextTokenizer bert = load("bert"); TextTokenizer roberta = load("roberta")) {
      TokenizedText t = bert.encode(a, b);
      List<String> tokens = Arrays.asList(t.tokens());
      int firstSep = tokens.indexOf("[SEP]");
      assertEquals("[CLS]", tokens.get(0));
      assertEquals("[SEP]", tokens.get(tokens.size() - 1));
      for (int i = 0; i < t.length(); i++) {
        assertEquals(i <= firstSep ? 0 : 1, t.typeIds()[i], "BERT token type of " + tokens.get(i));
        if (!t.special()[i]) {
          String source = t.segments()[i] == 1 ? b : a;
          assertEquals(i > firstSep ? 1 : 0, t.segments()[i]);
          assertTrue(source.substring(t.starts()[i], t.ends()[i]).equalsIgnoreCase(tokens.get(i).replace("##", ""))
              || tokens.get(i).equals("[UNK]"), tokens.get(i));
        }
      }
      TokenizedText r = roberta.encode(a, b);
      List<String> rt = Arrays.asList(r.tokens());
      int sep = rt.indexOf("</s>");
      assertEquals("</s>", rt.get(sep + 1)); // <s> A </s></s> B </s>
      assertTrue(Arrays.stream(r.typeIds()).allMatch(x -> x == 0), "RoBERTa has one token type");
      assertEquals("film", b.substring(r.starts()[rt.size() - 2], r.ends()[rt.size() - 2]));
      assertEquals(1, r.segments()[rt.size() - 2]);
    }
  }
}
