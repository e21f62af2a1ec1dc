package dev.fleetq.model.wire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import java.io.IOException;
import java.time.format.DateTimeParseException;
import java.util.function.Function;

/**
 * Reads a {@code java.time} value from an ISO-8601 string and from nothing else: the standard
 * deserializers also take numbers (seconds, epoch millis), which would let {@code "timeout": 30}
 * mean thirty seconds to one reader and thirty minutes to another. Stateless and thread-safe.
 */
final class IsoTextDeserializer<T> extends StdScalarDeserializer<T> {

  private static final long serialVersionUID = 1L;

  private final transient Function<String, T> parser;
  private final String expected;

  IsoTextDeserializer(Class<T> type, Function<String, T> parser, String expected) {
    super(type);
    this.parser = parser;
    this.expected = expected;
  }

  @Override
  @SuppressWarnings("unchecked")
  public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    if (!p.hasToken(JsonToken.VALUE_STRING)) {
      return (T) ctxt.handleUnexpectedToken(handledType(), p);
    }
    String text = p.getText();
    try {
      return parser.apply(text);
    } catch (DateTimeParseException e) {
      throw new InvalidMessageException(
          InvalidMessageException.ROOT, "expected " + expected + ", got " + Check.quote(text));
    }
  }
}
