package dev.trm.datasets.arc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One ARC task: its demonstration ("train") pairs and its test pairs, with the test outputs.
 *
 * @param testListedFirst whether the source JSON lists {@code "test"} before {@code "train"}; the official builder
 *     takes a non-test task's pairs in that order (the Kaggle files list "test" first), and the order decides which
 *     random draws each pair gets, so it is kept to reproduce official builds
 */
public record ArcTask(String id, List<ArcPair> train, List<ArcPair> test, boolean testListedFirst) {
  public ArcTask {
    train = List.copyOf(train);
    test = List.copyOf(test);
  }

  /** All pairs, sections in the order the source file lists them. */
  public List<ArcPair> pairsInFileOrder() {
    List<ArcPair> all = new ArrayList<>(train.size() + test.size());
    for (String section : sectionOrder()) {
      all.addAll(section(section));
    }
    return all;
  }

  /** The task as JSON-ready maps ({@code {"train": [{"input", "output"}...], "test": [...]}}), sections in file order. */
  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    for (String section : sectionOrder()) {
      List<Map<String, Object>> pairs = new ArrayList<>();
      for (ArcPair pair : section(section)) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("input", pair.input().toRows());
        p.put("output", pair.output().toRows());
        pairs.add(p);
      }
      json.put(section, pairs);
    }
    return json;
  }

  private List<String> sectionOrder() {
    return testListedFirst ? List.of("test", "train") : List.of("train", "test");
  }

  private List<ArcPair> section(String name) {
    return name.equals("train") ? train : test;
  }
}
