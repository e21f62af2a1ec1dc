package dev.fleetq.coordinator.kafka;

import static dev.fleetq.coordinator.testing.Harness.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetq.coordinator.testing.Harness;
import dev.fleetq.coordinator.testing.TopicTail;
import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.model.wire.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@WithDevStack
class RecordLoopTest {
  private Harness harness;
  private final List<String> handled = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp(DevStack stack, TestNamespace namespace, @TempDir Path dir) {
    harness = new Harness(stack, namespace, dir).provision();
  }

  @AfterEach
  void tearDown() {
    harness.close();
  }

  @Test
  void recordThatFailsTransientlyIsHandledAgainInOrderAndNothingIsDeadLettered() {
    AtomicInteger failuresLeft = new AtomicInteger(2);
    start(
        record -> {
          String value = text(record);
          if (value.equals("b") && failuresLeft.getAndDecrement() > 0) {
            throw new TransientFailure("broker away", null);
          }
          handled.add(value);
        });
    TopicTail dlq = harness.tail(harness.topics().dlq());

    for (String value : List.of("a", "b", "c")) {
      harness.produce(harness.topics().jobs(), "one-partition", value);
    }

    eventually().until(() -> handled.size() == 3);
    assertThat(handled).as("records handled").containsExactly("a", "b", "c");
    eventually().during(Duration.ofSeconds(1)).until(() -> dlq.records().isEmpty());
  }

  @Test
  void recordThatFailsForGoodIsDeadLetteredWithTheErrorAndTheLoopCarriesOn() {
    start(
        record -> {
          if (text(record).equals("bad")) {
            throw new IllegalArgumentException("cannot handle 'bad'");
          }
          handled.add(text(record));
        });
    TopicTail dlq = harness.tail(harness.topics().dlq());

    harness.produce(harness.topics().jobs(), "one-partition", "bad");
    harness.produce(harness.topics().jobs(), "one-partition", "good");

    eventually().until(() -> handled.size() == 1 && dlq.records().size() == 1);
    assertThat(handled).as("records handled").containsExactly("good");
    ConsumerRecord<byte[], byte[]> letter = dlq.records().get(0);
    assertThat(text(letter)).as("dead letter's bytes").isEqualTo("bad");
    assertThat(TopicTail.header(letter, DeadLetterHeaders.ERROR))
        .as("error")
        .isEqualTo("java.lang.IllegalArgumentException: cannot handle 'bad'");
    assertThat(TopicTail.header(letter, DeadLetterHeaders.REJECTED_BY))
        .as("rejected by")
        .isEqualTo("test.loop");
  }

  private void start(Consumer<ConsumerRecord<byte[], byte[]>> handler) {
    RecordLoop loop =
        new RecordLoop(
            "test.loop",
            harness.consumer(harness.config().intakeGroup()),
            harness.topics().jobs(),
            handler,
            () -> true,
            harness.deadLetters(),
            harness.loopSettings(),
            Clock.systemUTC());
    loop.start();
    harness.own(loop);
  }

  private static String text(ConsumerRecord<byte[], byte[]> record) {
    return new String(record.value(), StandardCharsets.UTF_8);
  }
}
