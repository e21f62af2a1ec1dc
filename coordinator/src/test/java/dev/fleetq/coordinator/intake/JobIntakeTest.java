package dev.fleetq.coordinator.intake;

import static dev.fleetq.coordinator.testing.Harness.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetq.coordinator.Coordinator;
import dev.fleetq.coordinator.CoordinatorConfig;
import dev.fleetq.coordinator.state.JobStates;
import dev.fleetq.coordinator.testing.Harness;
import dev.fleetq.coordinator.testing.TopicTail;
import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.exec.testing.ExampleRepo;
import dev.fleetq.model.ModelFixtures;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.job.FailingTestsPlan;
import dev.fleetq.model.job.JobSpec;
import dev.fleetq.model.job.RepoSpec;
import dev.fleetq.model.state.JobState;
import dev.fleetq.model.unit.JobEvent;
import dev.fleetq.model.unit.JobStatus;
import dev.fleetq.model.wire.DeadLetterHeaders;
import dev.fleetq.model.wire.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@WithDevStack
class JobIntakeTest {
  private static final String MALFORMED = "{\"repo\": {\"url\": ";

  private Harness harness;
  private JobStates states;
  private TopicTail events;
  private TopicTail units;
  private TopicTail dlq;

  @BeforeEach
  void setUp(DevStack stack, TestNamespace namespace, @TempDir Path dir) {
    harness = new Harness(stack, namespace, dir).provision();
    states = new JobStates(harness.redis(), harness.keys());
    events = harness.tail(harness.topics().events());
    units = harness.tail(harness.topics().units());
    dlq = harness.tail(harness.topics().dlq());
  }

  @AfterEach
  void tearDown() {
    harness.close();
  }

  @Test
  void malformedAndInvalidJobsAreDeadLetteredAndTheNextValidJobIsPlanned() {
    harness.own(start(harness.config()));
    JobSpec valid = ModelFixtures.aJobSpecWithUnits(2).withId(JobId.parse("job-valid"));
    String invalid = Json.encodeToString(valid.withId(JobId.parse("job-invalid")));
    invalid = invalid.replace("\"maxAttempts\":3", "\"maxAttempts\":0");
    String key = "same-partition";

    harness.produce(harness.topics().jobs(), key, MALFORMED);
    harness.produce(harness.topics().jobs(), key, invalid);
    harness.produce(harness.topics().jobs(), key, Json.encodeToString(valid));

    JobState planned = awaitJob(valid.id(), JobStatus.RUNNING);
    assertThat(planned.unitCount()).as("units of the valid job").isEqualTo(2);
    eventually().until(() -> dlq.records().size() == 2);
    List<ConsumerRecord<byte[], byte[]>> rejected = dlq.records();
    ConsumerRecord<byte[], byte[]> malformed = rejected.get(0);
    assertThat(TopicTail.key(malformed)).as("original key").isEqualTo(key);
    assertThat(new String(malformed.value(), StandardCharsets.UTF_8))
        .as("original bytes")
        .isEqualTo(MALFORMED);
    assertThat(TopicTail.header(malformed, DeadLetterHeaders.ERROR))
        .as("error of the malformed job")
        .startsWith("$: malformed JSON");
    assertThat(TopicTail.header(malformed, DeadLetterHeaders.ERROR_PATH))
        .as("path of the malformed job")
        .isEqualTo("$");
    assertThat(TopicTail.header(malformed, DeadLetterHeaders.REJECTED_BY))
        .as("rejected by")
        .isEqualTo(JobIntake.NAME);
    assertThat(TopicTail.header(malformed, DeadLetterHeaders.SOURCE_TOPIC))
        .as("source topic")
        .isEqualTo(harness.topics().jobs());
    assertThat(TopicTail.header(malformed, DeadLetterHeaders.SOURCE_OFFSET))
        .as("source offset")
        .isEqualTo("0");
    assertThat(TopicTail.header(malformed, DeadLetterHeaders.SOURCE_PARTITION))
        .as("source partition")
        .matches("[0-9]+");
    ConsumerRecord<byte[], byte[]> invalidJob = rejected.get(1);
    assertThat(TopicTail.header(invalidJob, DeadLetterHeaders.ERROR))
        .as("error of the invalid job")
        .isEqualTo("agent.maxAttempts: must be between 1 and 20, got 0");
    assertThat(TopicTail.header(invalidJob, DeadLetterHeaders.ERROR_PATH))
        .as("path of the invalid job")
        .isEqualTo("agent.maxAttempts");
    assertThat(states.job(JobId.parse("job-invalid"))).as("invalid job's state").isEmpty();
  }

  @Test
  void replayedJobIsRecognisedAndNotPlannedTwice() {
    harness.own(start(harness.config()));
    JobSpec job = ModelFixtures.aJobSpecWithUnits(3).withId(JobId.parse("job-once"));
    String json = Json.encodeToString(job);
    harness.produce(harness.topics().jobs(), job.id().value(), json);
    harness.produce(harness.topics().jobs(), job.id().value(), json);
    awaitJob(job.id(), JobStatus.RUNNING);
    // A job without an id under the same key takes the same id, which a different job already
    // has: it is dead-lettered, and its dead letter shows that the duplicate before it was read.
    String imposter = Json.encodeToString(ModelFixtures.aJobSpec());
    harness.produce(harness.topics().jobs(), job.id().value(), imposter);
    eventually().until(() -> dlq.records().size() == 1);

    // A second coordinator whose group has no offsets reads every job again.
    harness.own(
        start(
            harness
                .config()
                .withNames(
                    harness.topics(),
                    harness.keys(),
                    harness.config().intakeGroup() + "-again",
                    harness.config().projectorGroup())));
    eventually().until(() -> dlq.records().size() == 2);

    assertThat(jobStatuses(job.id()))
        .as("events of the job")
        .containsExactly(JobStatus.ACCEPTED, JobStatus.PLANNING, JobStatus.RUNNING);
    assertThat(units.records()).as("units published").hasSize(3);
    assertThat(TopicTail.header(dlq.records().get(0), DeadLetterHeaders.ERROR))
        .as("error of the job that reuses an id")
        .isEqualTo("id: job id 'job-once' is already taken by a different job");
  }

  @Test
  void jobWithoutIdIsNamedAfterItsRecordKey() {
    harness.own(start(harness.config()));
    JobSpec unnamed =
        new JobSpec(
            null,
            ModelFixtures.aRepoSpec(),
            ModelFixtures.anExplicitUnitsPlan(1),
            ModelFixtures.anAgentSpec(),
            ModelFixtures.aGateSpec(),
            0,
            null);

    harness.produce(harness.topics().jobs(), "team-a-7", Json.encodeToString(unnamed));

    assertThat(awaitJob(JobId.parse("team-a-7"), JobStatus.RUNNING).unitCount())
        .as("units of the job named after its key")
        .isEqualTo(1);
  }

  @Test
  void jobsBeyondWhatThePlannersCanTakeWaitOnTheTopicAndAreAllPlanned(@TempDir Path repoDir) {
    harness.own(start(harness.config().withPlanning(1, 1)));
    harness.startExecutor("executor");
    ExampleRepo repo = ExampleRepo.create(repoDir.resolve("repo"), 1, 1);
    List<JobId> jobs =
        IntStream.rangeClosed(1, 4).mapToObj(i -> JobId.parse("job-burst-" + i)).toList();

    for (JobId id : jobs) {
      JobSpec job =
          new JobSpec(
              id,
              new RepoSpec(repo.url(), null),
              new FailingTestsPlan(
                  "sleep 1 && " + ExampleRepo.TEST_COMMAND, List.of(ExampleRepo.REPORT_GLOB), null),
              ModelFixtures.anAgentSpec(),
              null,
              0,
              null);
      harness.produce(harness.topics().jobs(), "burst", Json.encodeToString(job));
    }

    for (JobId id : jobs) {
      assertThat(awaitJob(id, JobStatus.RUNNING).unitCount()).as("units of " + id).isEqualTo(1);
    }
  }

  private Coordinator start(CoordinatorConfig config) {
    Coordinator coordinator = Coordinator.create(config, Clock.systemUTC());
    coordinator.start();
    return coordinator;
  }

  private JobState awaitJob(JobId job, JobStatus status) {
    eventually().until(() -> states.job(job).map(JobState::status).orElse(null) == status);
    return states.job(job).orElseThrow();
  }

  private List<JobStatus> jobStatuses(JobId job) {
    return events.jobEvents().stream()
        .filter(e -> e.jobId().equals(job))
        .map(JobEvent::status)
        .toList();
  }
}
