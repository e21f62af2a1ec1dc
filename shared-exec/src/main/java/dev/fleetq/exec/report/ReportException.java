package dev.fleetq.exec.report;

/**
 * Test reports could not be read: none were found, or one is not well-formed JUnit XML. The message
 * is a complete sentence that names the files or globs involved, because it becomes the reason a
 * job or a gate run fails, shown to the engineer who submitted it.
 *
 * <p>A permanent failure: reading the same files again gives the same answer.
 */
public final class ReportException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ReportException(String message) {
    super(message);
  }

  public ReportException(String message, Throwable cause) {
    super(message, cause);
  }
}
