package dev.fleetq.cli;

import dev.fleetq.model.id.JobId;
import dev.fleetq.model.job.JobSpec;
import dev.fleetq.model.wire.InvalidMessageException;
import dev.fleetq.model.wire.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fleetq submit FILE|-}: checks a job file, gives it an id when it has none, and produces it
 * to the jobs topic, as any Kafka producer may. Kafka is {@code --kafka} when given, else the one a
 * running {@code fleetq local} wrote to its {@link Endpoints} file, else the default. Runs on the
 * main thread.
 */
@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    description = "Check a job file (or - for stdin) and send it to the jobs topic; prints its id.")
final class SubmitCommand implements Callable<Integer> {
  static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  @Mixin StackOptions stack;

  @Parameters(index = "0", paramLabel = "FILE|-", description = "The job, in JSON.")
  String file;

  @Option(
      names = "--endpoints",
      defaultValue = "${env:FLEETQ_ENDPOINTS:-" + Endpoints.DEFAULT_FILE + "}",
      description =
          "The endpoints file a running 'fleetq local' wrote, read when --kafka is not given (env"
              + " FLEETQ_ENDPOINTS; default ${DEFAULT-VALUE}).")
  Path endpoints;

  @Override
  public Integer call() throws IOException, InterruptedException {
    JobSpec job;
    try {
      job = Json.decode(read(), JobSpec.class);
    } catch (InvalidMessageException e) {
      System.err.println("fleetq submit: " + e.getMessage());
      return 1;
    }
    if (job.id() == null) {
      job = job.withId(JobId.random(new SecureRandom()));
    }
    String kafka;
    try {
      kafka =
          stack.kafkaGiven()
              ? stack.kafka()
              : Endpoints.read(endpoints).map(Endpoints::kafka).orElse(stack.kafka());
    } catch (ApiClient.Failed e) {
      System.err.println("fleetq submit: " + e.getMessage());
      return 1;
    }
    try {
      Preflight.requireKafka(kafka, StackOptions.PREFLIGHT_TIMEOUT);
      send(kafka, job);
    } catch (Preflight.Unreachable e) {
      System.err.println("fleetq submit: " + e.getMessage());
      return 2;
    } catch (ExecutionException | TimeoutException e) {
      System.err.println("fleetq submit: Kafka at " + kafka + " did not take the job: " + e);
      return 2;
    }
    System.out.println(job.id());
    return 0;
  }

  private byte[] read() throws IOException {
    return "-".equals(file) ? System.in.readAllBytes() : Files.readAllBytes(Path.of(file));
  }

  private void send(String kafka, JobSpec job)
      throws ExecutionException, TimeoutException, InterruptedException {
    int millis = (int) SEND_TIMEOUT.toMillis();
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.MAX_BLOCK_MS_CONFIG,
            millis,
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
            (int) REQUEST_TIMEOUT.toMillis(),
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
            millis);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      producer
          .send(new ProducerRecord<>(stack.topics().jobs(), job.id().value(), Json.encode(job)))
          .get(millis, TimeUnit.MILLISECONDS);
    }
  }
}
