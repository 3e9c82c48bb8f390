package org.lrpaudit.bias;

import java.util.List;

/**
 * The first names PlantedBiasTest plants: common US names that the name lexicons give this gender (>= 90% of US bearers;
 * annotate.CommonNamesTest checks them against the fetched lists).
 */
public final class PlantedBiasNames {
  public static final List<String> FEMALE = List.of("anna", "lucy", "kate", "julia", "emma", "sarah", "mary", "olivia");
  public static final List<String> MALE = List.of("david", "peter", "paul", "mark", "james", "john", "michael", "oliver");

  private PlantedBiasNames() {
  }
}
