package dev.fleetq.coordinator.gate;

import dev.fleetq.model.gate.GateVerdict;
import dev.fleetq.model.state.RedisKeys;
import dev.fleetq.model.wire.Json;
import java.util.List;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every verdict of the gate is recorded, in one place: logged as JSON, and kept among the
 * repository's {@value #KEPT} most recent ones in Redis ({@link RedisKeys#gateVerdicts}, a list of
 * {@link GateVerdict} JSON, newest first, pushed and trimmed in one script) for {@code GET
 * /v1/gate/{repoId}}. The Kafka event is the verdict's durable record; this list is a view, so a
 * failure to write it is logged and never stops the gate.
 *
 * <p>Thread-safe: each call is one Redis command.
 */
final class VerdictLog {
  /** How many verdicts of a repository are kept. */
  static final int KEPT = 20;

  private static final Logger log = LoggerFactory.getLogger(VerdictLog.class);
  private static final String PUSH_AND_TRIM =
      "redis.call('lpush', KEYS[1], ARGV[1]); "
          + "redis.call('ltrim', KEYS[1], 0, tonumber(ARGV[2]) - 1); "
          + "return redis.call('llen', KEYS[1])";

  private final RedissonClient redis;
  private final RedisKeys keys;

  VerdictLog(RedissonClient redis, RedisKeys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  /** Records a verdict whose event (if it has one) is emitted. */
  void record(GateVerdict verdict) {
    String json = Json.encodeToString(verdict);
    log.info("Gate verdict {}", json);
    try {
      redis
          .getScript(StringCodec.INSTANCE)
          .eval(
              RScript.Mode.READ_WRITE,
              PUSH_AND_TRIM,
              RScript.ReturnType.LONG,
              List.of(keys.gateVerdicts(verdict.repo())),
              json,
              String.valueOf(KEPT));
    } catch (RuntimeException e) {
      log.warn("Could not keep the verdict on {} in Redis: {}", verdict.key(), e.toString());
    }
  }
}
