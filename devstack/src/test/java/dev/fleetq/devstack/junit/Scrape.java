package dev.fleetq.devstack.junit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape in the Prometheus text format, read back for assertions: the samples of {@code
 * /metrics} or of a registry written as text. It reads what any scraper reads, so a test asserts on
 * the exposition itself rather than on the client library's objects.
 *
 * <p>Immutable and thread-safe.
 */
public final class Scrape {
  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})?\\s+(\\S+)(\\s+\\S+)?$");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** A sample: its name, its labels and its value. */
  public record Sample(String name, Map<String, String> labels, double value) {
    public Sample {
      labels = Map.copyOf(labels);
    }

    /** Whether it carries every one of {@code wanted} (name, value, name, value, ...). */
    boolean has(String... wanted) {
      for (int i = 0; i + 1 < wanted.length; i += 2) {
        if (!wanted[i + 1].equals(labels.get(wanted[i]))) {
          return false;
        }
      }
      return true;
    }
  }

  private final List<Sample> samples;

  private Scrape(List<Sample> samples) {
    this.samples = List.copyOf(samples);
  }

  /**
   * Reads a scrape.
   *
   * @throws IllegalArgumentException naming the line that is not a sample, a comment or blank
   */
  public static Scrape of(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      Matcher sample = SAMPLE.matcher(trimmed);
      if (!sample.matches()) {
        throw new IllegalArgumentException("not a Prometheus sample: " + line);
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (sample.group(3) != null) {
        Matcher label = LABEL.matcher(sample.group(3));
        while (label.find()) {
          labels.put(label.group(1), label.group(2));
        }
      }
      samples.add(new Sample(sample.group(1), labels, Double.parseDouble(sample.group(4))));
    }
    return new Scrape(samples);
  }

  /** The names of every sample, in order of first appearance. */
  public Set<String> names() {
    Set<String> names = new LinkedHashSet<>();
    samples.forEach(s -> names.add(s.name()));
    return names;
  }

  /**
   * The sum of the samples named {@code name} that carry the given labels (name, value, ...); 0
   * when there are none. Summing lets a test ask for a counter across the labels it does not name.
   */
  public double sum(String name, String... labels) {
    Objects.requireNonNull(name, "name");
    return samples.stream()
        .filter(s -> s.name().equals(name) && s.has(labels))
        .mapToDouble(Sample::value)
        .sum();
  }

  /** The samples named {@code name}. */
  public List<Sample> samples(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).toList();
  }
}
