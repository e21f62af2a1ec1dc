package dev.fleetq.model.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Turns Jackson's exceptions into {@link InvalidMessageException}s: a dotted JSON path and a
 * sentence without Java class names. Stateless and thread-safe.
 */
final class JsonErrors {

  private JsonErrors() {}

  /** The document could not be parsed at all, or did not end where its value ends. */
  static InvalidMessageException malformed(JacksonException e) {
    JsonLocation at = e.getLocation();
    String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    String problem =
        e instanceof MismatchedInputException
            ? "unexpected data after the end of the JSON document" + where
            : "malformed JSON" + where + ": " + firstLine(e.getOriginalMessage());
    return new InvalidMessageException(InvalidMessageException.ROOT, problem, null, e);
  }

  /** The document parsed but does not fit the type, or a record refused one of its values. */
  static InvalidMessageException translate(JacksonException e, JsonNode root) {
    String path = e instanceof JsonMappingException m ? pathOf(m) : InvalidMessageException.ROOT;
    InvalidMessageException refused = refusal(e);
    if (refused != null) {
      return refused.under(path);
    }
    JsonNode node = nodeAt(root, e);
    if (e instanceof InvalidTypeIdException typeId) {
      return unknownSubtype(path, typeId, node);
    }
    if (e instanceof InvalidFormatException format
        && format.getTargetType() != null
        && format.getTargetType().isEnum()) {
      return new InvalidMessageException(
          path,
          "unknown value "
              + Check.quote(String.valueOf(format.getValue()))
              + " (expected one of: "
              + constants(format.getTargetType())
              + ")",
          null,
          e);
    }
    if (node == null || node.isMissingNode()) {
      return new InvalidMessageException(path, "is required", null, e);
    }
    if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
      return new InvalidMessageException(
          path, "expected " + expected(mismatch.getTargetType()) + ", got " + got(node), null, e);
    }
    if (e.getCause() instanceof InputCoercionException) {
      return new InvalidMessageException(
          path, node.asText() + " is out of range for an integer", null, e);
    }
    return new InvalidMessageException(path, firstLine(e.getOriginalMessage()), null, e);
  }

  /** Describes what a value of the given type looks like in JSON. */
  static String expected(Class<?> type) {
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
      return "an integer";
    }
    if (type == String.class || isSingleValue(type)) {
      return "a string";
    }
    if (type == Duration.class) {
      return "an ISO-8601 duration such as PT10M";
    }
    if (type == Instant.class) {
      return "an ISO-8601 instant such as 2026-01-31T12:00:00Z";
    }
    if (type.isEnum()) {
      return "one of " + constants(type);
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (type.isArray() || Collection.class.isAssignableFrom(type)) {
      return "an array";
    }
    return "an object";
  }

  private static InvalidMessageException unknownSubtype(
      String path, InvalidTypeIdException e, JsonNode node) {
    if (node != null && !node.isObject()) {
      return new InvalidMessageException(path, "expected an object, got " + got(node), null, e);
    }
    Class<?> base = e.getBaseType().getRawClass();
    Class<?> root = Objects.requireNonNullElse(polymorphicRoot(base), base);
    JsonTypeInfo info = root.getAnnotation(JsonTypeInfo.class);
    String property = info == null ? "type" : info.property();
    String field = InvalidMessageException.join(path, property);
    if (e.getTypeId() == null) {
      return new InvalidMessageException(field, "is required", null, e);
    }
    String noun = root.getSimpleName().toLowerCase(Locale.ROOT) + " " + property;
    return new InvalidMessageException(
        field,
        "unknown "
            + noun
            + " "
            + Check.quote(e.getTypeId())
            + " (expected one of: "
            + subtypeNames(root)
            + ")",
        null,
        e);
  }

  /** The type that declares the type property, such as {@code Event} for {@code UnitEvent}. */
  private static Class<?> polymorphicRoot(Class<?> type) {
    if (type == null || type.isAnnotationPresent(JsonTypeInfo.class)) {
      return type;
    }
    for (Class<?> parent : type.getInterfaces()) {
      Class<?> root = polymorphicRoot(parent);
      if (root != null) {
        return root;
      }
    }
    return polymorphicRoot(type.getSuperclass());
  }

  private static InvalidMessageException refusal(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InvalidMessageException refused) {
        return refused;
      }
    }
    return null;
  }

  private static String pathOf(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference step : e.getPath()) {
      if (step.getFieldName() != null) {
        if (path.length() > 0) {
          path.append('.');
        }
        path.append(step.getFieldName());
      } else if (step.getIndex() >= 0) {
        path.append('[').append(step.getIndex()).append(']');
      }
    }
    return path.length() == 0 ? InvalidMessageException.ROOT : path.toString();
  }

  private static JsonNode nodeAt(JsonNode root, JacksonException e) {
    if (!(e instanceof JsonMappingException m)) {
      return root;
    }
    JsonNode node = root;
    for (JsonMappingException.Reference step : m.getPath()) {
      if (node == null) {
        return null;
      }
      if (step.getFieldName() != null) {
        node = node.get(step.getFieldName());
      } else if (step.getIndex() >= 0) {
        node = node.get(step.getIndex());
      }
    }
    return node;
  }

  private static String got(JsonNode node) {
    return switch (node.getNodeType()) {
      case STRING -> "a string";
      case NUMBER -> node.isIntegralNumber() ? "a number" : "a decimal number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      case ARRAY -> "an array";
      case OBJECT, POJO -> "an object";
      default -> "nothing";
    };
  }

  /** Ids and other value records serialize as one string through a {@link JsonValue} accessor. */
  private static boolean isSingleValue(Class<?> type) {
    if (Map.class.isAssignableFrom(type) || Collection.class.isAssignableFrom(type)) {
      return false;
    }
    for (Method method : type.getMethods()) {
      if (method.isAnnotationPresent(JsonValue.class) && method.getReturnType() == String.class) {
        return true;
      }
    }
    return false;
  }

  /** The enum's constants as the wire spells them: their {@link JsonProperty} name, if any. */
  private static String constants(Class<?> enumType) {
    return Arrays.stream(enumType.getFields())
        .filter(Field::isEnumConstant)
        .map(
            field -> {
              JsonProperty wire = field.getAnnotation(JsonProperty.class);
              return wire == null ? field.getName() : wire.value();
            })
        .collect(Collectors.joining(", "));
  }

  private static String subtypeNames(Class<?> root) {
    JsonSubTypes subtypes = root.getAnnotation(JsonSubTypes.class);
    if (subtypes == null) {
      return "";
    }
    return Arrays.stream(subtypes.value())
        .map(JsonSubTypes.Type::name)
        .collect(Collectors.joining(", "));
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable input";
    }
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end);
  }
}
