package org.lrpaudit.corpus;

import java.util.List;

/** The slot kinds of generated probes (the {@code slot_kind} column). */
public final class ProbeKinds {
  public static final String FEMALE_NAME = "female_name";
  public static final String MALE_NAME = "male_name";
  public static final String COUNTRY = "country";
  public static final String CITY = "city";
  public static final String ORGANIZATION = "organization";
  public static final List<String> ALL = List.of(FEMALE_NAME, MALE_NAME, COUNTRY, CITY, ORGANIZATION);

  private ProbeKinds() {
  }
}
