package org.lrpaudit.cli;

import org.lrpaudit.explain.Method;
import org.lrpaudit.explain.MethodOptions;
import org.lrpaudit.explain.Target;
import picocli.CommandLine.Option;

/** The method and target options of the one-shot explain commands (explain-text, explain-image), as a picocli mixin. */
final class ExplainOptions {
  @Option(names = "--method", defaultValue = "lrp-ah-ln", paramLabel = "METHOD",
      description = "gi | lrp-ah | lrp-ln | lrp-ah-ln (default: ${DEFAULT-VALUE}, the paper's LRP(AH+LN)), or a "
          + "baseline: random | attn-last | rollout | gae | ig.")
  String method;

  @Option(names = "--ig-steps", defaultValue = "20", paramLabel = "N",
      description = "Integrated Gradients steps (method ig; default ${DEFAULT-VALUE}).")
  int igSteps;

  @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed of the random baseline (default 0).")
  long seed;

  @Option(names = "--target", defaultValue = "predicted", paramLabel = "TARGET",
      description = "Class whose logit is explained: predicted (default), label:N (class index N) or class:NAME "
          + "(an id2label name).")
  String target;

  Method method() {
    return Method.parse(method);
  }

  /** The target; 'label' is refused: these commands take no gold labels. */
  Target target(String command) {
    Target t = Target.parse(target);
    if (t instanceof Target.GoldLabel) {
      throw new IllegalArgumentException("--target label needs gold labels, which " + command + " does not take; "
          + "use label:N for class N");
    }
    return t;
  }

  MethodOptions options() {
    return new MethodOptions(igSteps, seed);
  }
}
