package org.lrpaudit.explain;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.lrpaudit.rules.PropagationRules;

/**
 * The explanation methods of method.md, by the names used on the command line and in output columns: the four propagation
 * methods (Gradient x Input through a graph shaped by rules) and the five baselines of the faithfulness comparison.
 */
public enum Method {
  GI("gi", PropagationRules.GRADIENT),
  LRP_AH("lrp-ah", new PropagationRules(true, false, true)),
  LRP_LN("lrp-ln", new PropagationRules(false, true, true)),
  LRP_AH_LN("lrp-ah-ln", new PropagationRules(true, true, true)),
  RANDOM("random", o -> new RandomRelevance(o.seed())),
  ATTN_LAST("attn-last", o -> new LastLayerAttention()),
  ROLLOUT("rollout", o -> new AttentionRollout()),
  GAE("gae", o -> new GenericAttention()),
  IG("ig", o -> new IntegratedGradients(o.igSteps()));

  private final String id;
  private final PropagationRules rules;
  private final Function<MethodOptions, RelevanceMethod> factory;

  Method(String id, PropagationRules rules) {
    this.id = id;
    this.rules = rules;
    this.factory = o -> new GradientTimesInput(rules);
  }

  Method(String id, Function<MethodOptions, RelevanceMethod> factory) {
    this.id = id;
    this.rules = null;
    this.factory = factory;
  }

  public String id() {
    return id;
  }

  /** The propagation rules of gi and the three LRP methods; the baselines have none (fails for them). */
  public PropagationRules rules() {
    if (rules == null) {
      throw new IllegalStateException(id + " is a baseline, not a propagation method: it has no propagation rules");
    }
    return rules;
  }

  /** gi, lrp-ah, lrp-ln, lrp-ah-ln: Gradient x Input through rules, conservative for lrp-ah-ln. */
  public boolean isPropagation() {
    return rules != null;
  }

  public RelevanceMethod create(MethodOptions options) {
    return factory.apply(options);
  }

  public static List<Method> propagationMethods() {
    return Arrays.stream(values()).filter(Method::isPropagation).toList();
  }

  public static Method parse(String s) {
    for (Method m : values()) {
      if (m.id.equals(s)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown method '" + s + "' (choose from " + names() + ")");
  }

  public static String names() {
    return Arrays.stream(values()).map(Method::id).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return id;
  }
}
