package dev.fleetq.helm;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Finds fields that fabric8 did not recognise while parsing. fabric8's model never rejects an
 * unknown field: it keeps it in the {@code additionalProperties} map of the object it appeared in,
 * where Kubernetes would silently drop it (a misspelt {@code readinessProbe}, a field indented one
 * level too deep). This walks every fabric8 object of a parsed resource and reports each non-empty
 * {@code additionalProperties} with its path.
 *
 * <p>Stateless; thread-safe.
 */
final class UnknownFields {
  private UnknownFields() {}

  /**
   * Paths and names of unknown fields, such as {@code spec.template.spec.containers[0]: [probe]}.
   */
  static List<String> in(Object resource) {
    List<String> found = new ArrayList<>();
    walk(resource, "", found);
    return found;
  }

  private static void walk(Object node, String path, List<String> found) {
    if (node instanceof Collection<?> elements) {
      int index = 0;
      for (Object element : elements) {
        walk(element, path + "[" + index++ + "]", found);
      }
    } else if (node instanceof Map<?, ?> entries) {
      entries.forEach((key, value) -> walk(value, path + "." + key, found));
    } else if (node != null && node.getClass().getName().startsWith("io.fabric8.")) {
      walkFields(node, path, found);
    }
  }

  private static void walkFields(Object node, String path, List<String> found) {
    for (Class<?> type = node.getClass(); type != Object.class; type = type.getSuperclass()) {
      for (Field field : type.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers())) {
          continue;
        }
        Object value = read(field, node);
        if (field.getName().equals("additionalProperties")) {
          if (value instanceof Map<?, ?> unknown && !unknown.isEmpty()) {
            found.add((path.isEmpty() ? "." : path) + ": " + unknown.keySet());
          }
        } else {
          walk(value, path + "." + field.getName(), found);
        }
      }
    }
  }

  private static Object read(Field field, Object node) {
    try {
      field.setAccessible(true);
      return field.get(node);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot read " + field + " of " + node.getClass(), e);
    }
  }
}
