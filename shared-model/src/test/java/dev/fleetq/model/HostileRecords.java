package dev.fleetq.model;

import java.util.List;

/**
 * Record values that no fleetq message type accepts, as a broken or hostile producer writes them to
 * any topic fleetq reads: malformed JSON, documents that are not objects, deep nesting, a large
 * unterminated string, a lone surrogate, fields of the wrong type and ids with path or shell
 * metacharacters. Every consumer must dead-letter each one, naming where it went wrong, and go on.
 */
public final class HostileRecords {
  private HostileRecords() {}

  /** The values, each a UTF-8 string. */
  public static List<String> values() {
    return List.of(
        "{",
        "",
        "null",
        "[]",
        "42",
        "\"a message\"",
        "{\"jobId\": \"job-x\",}",
        "{}{}",
        "{'jobId': 'job-x'}",
        "{\"jobId\": NaN}",
        "{\"x\": " + "[".repeat(5000) + "]".repeat(5000) + "}",
        "{\"jobId\": \"" + "a".repeat(512 * 1024),
        "{\"jobId\": \"\uD800\"}",
        "{\"jobId\": 5, \"unitId\": [], \"attempt\": \"one\"}",
        "{\"jobId\": \"../../etc/passwd\", \"unitId\": \"u1;rm -rf /\", \"attempt\": 1}",
        "{\"type\": \"unit\", \"jobId\": \"job $(id)\"}");
  }
}
