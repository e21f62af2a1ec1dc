package dev.fleetq.cli.demo;

import dev.fleetq.cli.Endpoints;
import dev.fleetq.devstack.DevStackConfig;
import dev.fleetq.model.id.JobId;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fleetq demo}: the whole fleet in one JVM on a bundled example with failing tests, with
 * live progress and a summary. Exits 0 when every unit landed. Runs on the main thread; the event
 * feed polls on its own thread.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Run a fleet of scripted agents on a bundled example with failing tests.")
public final class DemoCommand implements Callable<Integer> {
  static final Duration PATIENCE = Duration.ofMinutes(5);
  static final Duration REFRESH = Duration.ofMillis(250);
  static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);
  static final String JOB_ID = "demo-calc";

  @Option(names = "--agents", defaultValue = "4", description = "Agents (workers with one slot).")
  int agents;

  @Option(names = "--keep", description = "Leave the stack and the API running until Ctrl-C.")
  boolean keep;

  @Option(names = "--verbose", description = "Show fleetq's own log at INFO.")
  boolean verbose;

  private final Clock clock = Clock.systemUTC();
  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    if (agents < 1) {
      System.err.println("fleetq demo: --agents must be at least 1");
      return 2;
    }
    DemoLogging.quiet(verbose);
    Path dir = Files.createTempDirectory("fleetq-demo-");
    out.println("fleetq demo: " + agents + " agents, working in " + dir + " (removed at the end)");
    ExampleProject example = ExampleProject.create(dir);
    LocalFleet fleet =
        LocalFleet.start(DevStackConfig.defaults(), dir.resolve("fleet"), "127.0.0.1", 0, agents);
    try {
      int status = run(fleet, example);
      if (keep) {
        keepRunning(fleet, dir.resolve(Endpoints.FILE_NAME));
      }
      return status;
    } finally {
      fleet.close();
      removeQuietly(dir);
    }
  }

  /** Removes the demo's temporary directory; what is left behind is only disk space. */
  private static void removeQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      System.err.println("fleetq demo: could not remove " + dir + ": " + e.getMessage());
    }
  }

  private int run(LocalFleet fleet, ExampleProject example) throws Exception {
    JobId job = JobId.parse(JOB_ID);
    Tally tally = new Tally(job);
    for (int n = 1; n <= agents; n++) {
      tally.expectAgent("agent-" + n);
    }
    try (EventFeed feed = new EventFeed(fleet.bootstrapServers(), fleet.topics().events(), tally)) {
      feed.start();
      Instant started = clock.instant();
      submit(fleet, job, example.failingTestsJob(job.value()));
      Tally.Snapshot end = watch(tally, started);
      Duration wall = Duration.between(started, clock.instant());
      Summary.print(out, end, wall, example.mainLog());
      boolean allDone = end.total() > 0 && end.landed() + end.superseded() == end.total();
      return allDone ? 0 : 1;
    }
  }

  private void submit(LocalFleet fleet, JobId job, String json) throws Exception {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                fleet.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new StringSerializer(),
            new StringSerializer())) {
      producer
          .send(new ProducerRecord<>(fleet.topics().jobs(), job.value(), json))
          .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private Tally.Snapshot watch(Tally tally, Instant started) throws InterruptedException {
    ProgressView view = new ProgressView(out, System.console() != null);
    Instant deadline = started.plus(PATIENCE);
    Tally.Snapshot now = tally.snapshot();
    while (now.end().isEmpty() && clock.instant().isBefore(deadline)) {
      view.show(now);
      Thread.sleep(REFRESH.toMillis());
      now = tally.snapshot();
    }
    view.show(now);
    if (now.end().isEmpty()) {
      out.println("fleetq demo: the job did not end within " + PATIENCE.toMinutes() + " minutes");
    }
    return now;
  }

  private void keepRunning(LocalFleet fleet, Path endpoints) throws InterruptedException {
    fleet.endpoints("127.0.0.1").write(endpoints);
    out.println();
    out.println("Kept running (Ctrl-C stops it):");
    out.println("  API      " + fleet.apiUrl("127.0.0.1"));
    out.println("  Token    in " + endpoints);
    out.println("  Try      FLEETQ_ENDPOINTS=" + endpoints + " fleetq status " + JOB_ID);
    out.println("  Kafka    " + fleet.bootstrapServers());
    out.println("  Redis    " + fleet.redisUri());
    UntilInterrupted.await();
    out.println("fleetq demo: stopping");
  }
}
