package dev.fleetq.model.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;

/**
 * Changes one field of a JSON document, addressed by a path such as {@code plan.units[0].title}.
 */
final class JsonEdit {

  private static final ObjectMapper TREES = new ObjectMapper();

  private JsonEdit() {}

  /** Returns the document with the field at {@code path} set to the raw JSON {@code value}. */
  static String set(String json, String path, String value) {
    return edit(
        json,
        path,
        (parent, field, index) -> {
          JsonNode node = read(value);
          if (field != null) {
            ((ObjectNode) parent).set(field, node);
          } else {
            ((ArrayNode) parent).set(index, node);
          }
        });
  }

  /** Returns the document without the field at {@code path}. */
  static String remove(String json, String path) {
    return edit(json, path, (parent, field, index) -> ((ObjectNode) parent).remove(field));
  }

  private interface Change {
    void apply(JsonNode parent, String field, int index);
  }

  private static String edit(String json, String path, Change change) {
    JsonNode root = read(json);
    JsonNode parent = root;
    String[] steps = path.replace("[", ".[").split("\\.");
    for (int i = 0; i < steps.length - 1; i++) {
      parent = step(parent, steps[i]);
    }
    String last = steps[steps.length - 1];
    if (last.startsWith("[")) {
      change.apply(parent, null, Integer.parseInt(last.substring(1, last.length() - 1)));
    } else {
      change.apply(parent, last, -1);
    }
    return root.toString();
  }

  private static JsonNode step(JsonNode node, String step) {
    return step.startsWith("[")
        ? node.get(Integer.parseInt(step.substring(1, step.length() - 1)))
        : node.get(step);
  }

  private static JsonNode read(String json) {
    try {
      return TREES.readTree(json);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
