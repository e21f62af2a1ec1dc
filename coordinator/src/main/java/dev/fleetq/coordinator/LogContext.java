package dev.fleetq.coordinator;

import dev.fleetq.model.id.JobId;
import dev.fleetq.model.id.UnitKey;
import java.util.function.Supplier;
import org.slf4j.MDC;

/**
 * Runs a piece of work with the job's and unit's ids in the logging MDC ({@value #JOB}, {@value
 * #UNIT}), and puts back what was there before when it ends, so that nested calls (the projector
 * asking the publisher to retry) keep the outer context.
 *
 * <p>Stateless; the MDC itself is per thread.
 */
public final class LogContext {
  /** The MDC key of the job id. */
  public static final String JOB = "job";

  /** The MDC key of the unit key. */
  public static final String UNIT = "unit";

  private LogContext() {}

  /** Runs {@code work} with the job's id in the MDC. */
  public static void inJob(JobId job, Runnable work) {
    inJob(
        job,
        () -> {
          work.run();
          return null;
        });
  }

  /** Runs {@code work} with the job's id in the MDC and returns its result. */
  public static <T> T inJob(JobId job, Supplier<T> work) {
    String previous = MDC.get(JOB);
    MDC.put(JOB, job.value());
    try {
      return work.get();
    } finally {
      restore(JOB, previous);
    }
  }

  /** Runs {@code work} with the unit's job id and key in the MDC and returns its result. */
  public static <T> T inUnit(UnitKey unit, Supplier<T> work) {
    String previous = MDC.get(UNIT);
    MDC.put(UNIT, unit.value());
    try {
      return inJob(unit.job(), work);
    } finally {
      restore(UNIT, previous);
    }
  }

  /** Runs {@code work} with the unit's job id and key in the MDC. */
  public static void inUnit(UnitKey unit, Runnable work) {
    inUnit(
        unit,
        () -> {
          work.run();
          return null;
        });
  }

  private static void restore(String key, String previous) {
    if (previous == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, previous);
    }
  }
}
