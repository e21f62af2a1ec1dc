package dev.fleetq.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The chart under test, rendered and linted by the Helm library that helm-java bundles. Every
 * render uses the release name {@link #RELEASE}, so resource names are predictable ({@link #name}).
 *
 * <p>Not thread-safe when linting into the same directory; each lint takes its own temporary
 * directory.
 */
final class FleetqChart {
  static final Path DIR = Path.of("fleetq");
  static final Path FULL_VALUES = DIR.resolve("ci/full-values.yaml");
  static final Path DASHBOARD = DIR.resolve("dashboards/fleetq.json");
  static final String RELEASE = "fleet";

  /** The two values the chart cannot default: it deploys neither Kafka nor Redis. */
  static final Map<String, String> REQUIRED =
      Map.of("kafka.bootstrapServers", "kafka.data:9092", "redis.uri", "redis://redis.data:6379");

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private FleetqChart() {}

  /** {@code helm template} with the chart's defaults and {@link #REQUIRED}, not yet called. */
  static TemplateCommand templateWithDefaults() {
    TemplateCommand template = new Helm(DIR).template().withName(RELEASE);
    REQUIRED.forEach(template::set);
    return template;
  }

  /** {@code helm template} with {@code ci/full-values.yaml}, not yet called. */
  static TemplateCommand templateWithFullValues() {
    return new Helm(DIR).template().withName(RELEASE).withValuesFile(FULL_VALUES);
  }

  static Manifests renderDefaults() {
    return Manifests.parse(templateWithDefaults().call());
  }

  static Manifests renderFullValues() {
    return Manifests.parse(templateWithFullValues().call());
  }

  /** The name of a component's resources in the release, such as {@code fleet-fleetq-worker}. */
  static String name(String component) {
    return RELEASE + "-fleetq-" + component;
  }

  /**
   * {@code helm lint --strict} of the chart with {@code overrides} merged into its values.yaml.
   * helm-java's lint takes neither {@code --set} nor {@code --values}, so the chart is copied into
   * {@code workDir} and the copy's values.yaml holds the merged values.
   */
  static LintResult lintStrict(Path workDir, JsonNode overrides) {
    Path copy = workDir.resolve("fleetq");
    copyTree(DIR, copy);
    Path values = copy.resolve("values.yaml");
    try {
      ObjectNode merged = (ObjectNode) YAML.readTree(values.toFile());
      merge(merged, overrides);
      YAML.writeValue(values.toFile(), merged);
    } catch (IOException e) {
      throw new UncheckedIOException("could not merge values into " + values, e);
    }
    return new Helm(copy).lint().strict().call();
  }

  /** Nested values from dotted keys, as {@code --set} would build them. */
  static ObjectNode valuesOf(Map<String, String> dotted) {
    ObjectNode root = YAML.createObjectNode();
    dotted.forEach(
        (key, value) -> {
          List<String> path = List.of(key.split("\\."));
          ObjectNode parent = root;
          for (String step : path.subList(0, path.size() - 1)) {
            parent = parent.has(step) ? (ObjectNode) parent.get(step) : parent.putObject(step);
          }
          parent.put(path.get(path.size() - 1), value);
        });
    return root;
  }

  static JsonNode fullValues() {
    try {
      return YAML.readTree(FULL_VALUES.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + FULL_VALUES, e);
    }
  }

  /** Merges objects key by key, as Helm merges values files; anything else replaces. */
  private static void merge(ObjectNode target, JsonNode overrides) {
    for (Map.Entry<String, JsonNode> field : overrides.properties()) {
      JsonNode existing = target.get(field.getKey());
      if (existing instanceof ObjectNode existingObject && field.getValue().isObject()) {
        merge(existingObject, field.getValue());
      } else {
        target.set(field.getKey(), field.getValue());
      }
    }
  }

  private static void copyTree(Path from, Path to) {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path source : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not copy the chart to " + to, e);
    }
  }
}
