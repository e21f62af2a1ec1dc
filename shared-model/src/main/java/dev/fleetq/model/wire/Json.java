package dev.fleetq.model.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The one JSON codec of fleetq: every Kafka record, HTTP body and job file is read and written
 * here.
 *
 * <p>Reading is forward compatible (unknown fields are ignored) and strict where a mistake would
 * otherwise pass silently: no type coercion ({@code "priority": "5"} and {@code "timeout": 30} are
 * type errors), no null or absent value for a required number, no duplicate field, nothing after
 * the document, nothing larger than {@link Limits#MAX_MESSAGE_BYTES}. Every failure, whether
 * malformed JSON, a wrong type or a value a record refuses, is an {@link InvalidMessageException}
 * with the full JSON path of the offending field. Writing leaves out null fields and writes times
 * as ISO-8601 strings. Thread-safe: the mapper is configured once and never changed.
 */
public final class Json {

  private static final ObjectMapper MAPPER = configure();

  private Json() {}

  /**
   * Decodes a UTF-8 JSON document into a record.
   *
   * @throws InvalidMessageException if the document is not valid JSON or is not a valid {@code
   *     type}
   */
  public static <T> T decode(byte[] json, Class<T> type) {
    Objects.requireNonNull(json, "json");
    Objects.requireNonNull(type, "type");
    if (json.length > Limits.MAX_MESSAGE_BYTES) {
      throw tooLarge(json.length);
    }
    return bind(parse(json), type);
  }

  /**
   * Decodes a JSON document into a record.
   *
   * @throws InvalidMessageException if the document is not valid JSON or is not a valid {@code
   *     type}
   */
  public static <T> T decode(String json, Class<T> type) {
    Objects.requireNonNull(json, "json");
    // A character takes at least one byte, so this refuses an oversized text before copying it.
    if (json.length() > Limits.MAX_MESSAGE_BYTES) {
      throw tooLarge(json.length());
    }
    return decode(json.getBytes(StandardCharsets.UTF_8), type);
  }

  /** Encodes a record as UTF-8 JSON. */
  public static byte[] encode(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot encode " + value.getClass().getName(), e);
    }
  }

  /** Encodes a record as a JSON string. */
  public static String encodeToString(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot encode " + value.getClass().getName(), e);
    }
  }

  private static JsonNode parse(byte[] json) {
    try {
      JsonNode tree = MAPPER.readTree(json);
      if (tree == null || tree.isMissingNode()) {
        throw new InvalidMessageException(InvalidMessageException.ROOT, "is empty");
      }
      return tree;
    } catch (JacksonException e) {
      throw JsonErrors.malformed(e);
    } catch (IOException e) {
      throw new IllegalStateException("reading from memory failed", e);
    }
  }

  private static <T> T bind(JsonNode tree, Class<T> type) {
    T value;
    try {
      value = MAPPER.readerFor(type).readValue(tree);
    } catch (JacksonException e) {
      throw JsonErrors.translate(e, tree);
    } catch (IOException e) {
      throw new IllegalStateException("reading from memory failed", e);
    }
    if (value == null) {
      throw new InvalidMessageException(
          InvalidMessageException.ROOT, "expected " + JsonErrors.expected(type) + ", got null");
    }
    return value;
  }

  private static InvalidMessageException tooLarge(int size) {
    return new InvalidMessageException(
        InvalidMessageException.ROOT,
        "message of " + size + " bytes exceeds the limit of " + Limits.MAX_MESSAGE_BYTES);
  }

  private static ObjectMapper configure() {
    SimpleModule isoOnly = new SimpleModule("fleetq-iso-time");
    isoOnly.addDeserializer(
        Duration.class,
        new IsoTextDeserializer<>(
            Duration.class, Duration::parse, "an ISO-8601 duration such as PT10M"));
    isoOnly.addDeserializer(
        Instant.class,
        new IsoTextDeserializer<>(
            Instant.class, Instant::parse, "an ISO-8601 instant such as 2026-01-31T12:00:00Z"));
    return JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .addModule(isoOnly)
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
        .defaultPropertyInclusion(
            JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .withCoercionConfig(
            LogicalType.Textual,
            config ->
                config
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
        .build();
  }
}
