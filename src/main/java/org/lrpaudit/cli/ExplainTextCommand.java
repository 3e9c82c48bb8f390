package org.lrpaudit.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.lrpaudit.explain.Explainer;
import org.lrpaudit.explain.Explanation;
import org.lrpaudit.explain.Method;
import org.lrpaudit.explain.Target;
import org.lrpaudit.explain.TextInput;
import org.lrpaudit.explain.TokenBudget;
import org.lrpaudit.model.TextClassifier;
import org.lrpaudit.model.TokenizedText;
import org.lrpaudit.runtime.RowError;
import org.lrpaudit.runtime.TextCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "explain-text", mixinStandardHelpOptions = true,
    description = {"Explain texts given as arguments (or one per line on standard input) and print one JSON object per "
        + "text on standard output. Logs go to standard error.",
        "",
        "Fields: text, method, model_id, logits, predicted, predicted_label, explained_class, explained_label, "
        + "explained_logit, tokens [{token, id, start, end, relevance}] (every model token, [CLS] and [SEP] included; "
        + "start/end are UTF-16 character offsets into text), words (same shape, sub-words summed; id -1 for merged "
        + "words), relevance_sum, conservation_gap (explained_logit - relevance_sum), truncated.",
        "",
        "A text that cannot be explained gives {text, status, error} instead, with the explain job's status: empty_text "
        + "(empty or whitespace only), no_tokens (only control characters), invalid_unicode (an unpaired surrogate, or "
        + "a line of standard input that is not UTF-8). The other texts are still explained; the exit status is then 2."})
final class ExplainTextCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "HuggingFace model folder (config.json, model.safetensors, tokenizer.json): a local path or a Hadoop "
          + "FileSystem URI (file:, hdfs:, s3a:), copied once to a local cache keyed by content hash.")
  String model;

  @Mixin
  ExplainOptions explain = new ExplainOptions();

  @Option(names = "--max-length", defaultValue = "512", paramLabel = "N",
      description = "Longest token sequence, [CLS] and [SEP] included (default ${DEFAULT-VALUE}; capped at the model's "
          + "max_position_embeddings). Longer texts are truncated and flagged truncated=true.")
  int maxLength;

  @Option(names = "--batch-tokens", defaultValue = "4096", paramLabel = "N",
      description = "Token budget of one batch (rows x longest row; default ${DEFAULT-VALUE}).")
  int batchTokens;

  @Option(names = "--pair", paramLabel = "TEXT",
      description = "Second text of a sentence pair (NLI hypothesis, answer), once per TEXT in order. Tokens of the "
          + "second text carry segment 1 and offsets into it.")
  List<String> pairs = new ArrayList<>();

  @Option(names = "--tab-pairs", description = "Standard input holds sentence pairs: text TAB second text, one per line.")
  boolean tabPairs;

  @Parameters(paramLabel = "TEXT", arity = "0..*",
      description = "Texts to explain; without any, one text per line is read from standard input.")
  List<String> texts = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Method m = explain.method();
    Target t = explain.target("explain-text");
    List<String> all = new ArrayList<>();
    List<RowError> errors = new ArrayList<>();
    List<String> pairList = new ArrayList<>();
    if (texts.isEmpty()) {
      readLines(System.in, all, errors);
      for (int i = 0; i < all.size(); i++) {
        int tab = tabPairs ? all.get(i).indexOf('\t') : -1;
        pairList.add(tab < 0 ? null : all.get(i).substring(tab + 1));
        if (tab >= 0) {
          all.set(i, all.get(i).substring(0, tab));
        }
      }
    } else {
      if (!pairs.isEmpty() && pairs.size() != texts.size()) {
        throw new IllegalArgumentException("--pair was given " + pairs.size() + " times for " + texts.size()
            + " texts; give one --pair per text");
      }
      for (int i = 0; i < texts.size(); i++) {
        all.add(texts.get(i));
        pairList.add(pairs.isEmpty() ? null : pairs.get(i));
        errors.add(null);
      }
    }
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    Map<String, Integer> failed = new TreeMap<>();
    try (TextClassifier classifier = TextClassifier.load(model, maxLength)) {
      // The explain job's rules, row for row: null/empty/whitespace-only -> empty_text, unpaired surrogate ->
      // invalid_unicode, nothing but special tokens after tokenizing (control characters only) -> no_tokens.
      List<TextInput> inputs = new ArrayList<>();
      List<TokenizedText> tokenized = new ArrayList<>();
      for (int i = 0; i < all.size(); i++) {
        if (errors.get(i) == null) {
          errors.set(i, TextCheck.check(all.get(i)));
        }
        if (errors.get(i) == null && pairList.get(i) != null) {
          errors.set(i, TextCheck.check(pairList.get(i))); // the second text of a pair obeys the same rules
        }
        if (errors.get(i) == null) {
          TokenizedText tok = classifier.tokenizer().encode(all.get(i), pairList.get(i));
          errors.set(i, TextCheck.noTokens(tok));
          if (errors.get(i) == null) {
            inputs.add(pairList.get(i) == null ? TextInput.of(all.get(i)) : TextInput.pair(all.get(i), pairList.get(i)));
            tokenized.add(tok);
          }
        }
      }
      Explainer explainer = new Explainer(classifier, new TokenBudget(batchTokens, 64),
          explain.options());
      Iterator<Explanation> done = explainer.explainTokenized(inputs, tokenized, m, t).iterator();
      for (int i = 0; i < all.size(); i++) {
        RowError e = errors.get(i);
        if (e == null) {
          out.println(JSON.writeValueAsString(ExplanationJson.of(done.next())));
        } else {
          failed.merge(e.status(), 1, Integer::sum);
          // ASCII-escaped, so an unpaired surrogate is printed as the JSON escape it was (\ud800), not as '?'.
          out.println(ESCAPED.writeValueAsString(new ErrorJson(all.get(i), e.status(), e.message())));
        }
      }
    }
    out.flush();
    if (!failed.isEmpty()) {
      int n = failed.values().stream().mapToInt(Integer::intValue).sum();
      System.err.println("lrp-audit explain-text: " + n + " of " + all.size() + " texts not explained " + failed
          + " (their lines carry status and error)");
      return Main.FAILED;
    }
    return 0;
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper ESCAPED = new ObjectMapper().enable(JsonGenerator.Feature.ESCAPE_NON_ASCII);

  /** A text that was not explained: the explain job's status code and message (README, "Error codes"). */
  record ErrorJson(String text, String status, String error) {}

  /**
   * Standard input, one text per line (LF, CR LF or CR), decoded strictly: a line that is not valid UTF-8 (a lone
   * surrogate encoded as bytes, a stray byte) becomes an invalid_unicode error instead of a text with U+FFFD in it.
   */
  static void readLines(InputStream in, List<String> lines, List<RowError> errors) throws IOException {
    byte[] all = in.readAllBytes();
    int start = 0;
    for (int i = 0; i <= all.length; i++) {
      boolean end = i == all.length;
      if (end || all[i] == '\n' || all[i] == '\r') {
        if (!end || i > start) {
          addLine(all, start, i, lines, errors);
        }
        if (!end && all[i] == '\r' && i + 1 < all.length && all[i + 1] == '\n') {
          i++;
        }
        start = i + 1;
      }
    }
  }

  private static void addLine(byte[] all, int from, int to, List<String> lines, List<RowError> errors) {
    ByteBuffer bytes = ByteBuffer.wrap(all, from, to - from);
    try {
      lines.add(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString());
      errors.add(null);
    } catch (CharacterCodingException e) {
      int at = Math.max(0, Math.min(bytes.position() - from, to - from - 1));
      lines.add(new String(all, from, to - from, StandardCharsets.UTF_8));
      errors.add(new RowError(RowError.INVALID_UNICODE, String.format("line %d of standard input is not valid UTF-8 "
          + "(byte 0x%02X at byte %d): not valid Unicode", lines.size(), all[from + at] & 0xff, at)));
    }
  }
}
