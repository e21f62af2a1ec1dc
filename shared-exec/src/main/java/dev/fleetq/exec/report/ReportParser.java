package dev.fleetq.exec.report;

import dev.fleetq.model.suite.TestResult;
import dev.fleetq.model.suite.TestResult.Status;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads one JUnit XML report file with a streaming parser, so a report of any size costs memory
 * only for its results. It understands the dialects that test runners actually write: Maven
 * Surefire, {@code pytest --junitxml}, jest-junit and go-junit-report, with either a {@code
 * <testsuites>} or a bare {@code <testsuite>} root and suites nested inside suites.
 *
 * <p>Within one {@code <testcase>} the worst child decides the status (error, then failure, then
 * skipped); the first child of that kind supplies the message. Surefire's {@code <flakyFailure>}
 * and {@code <flakyError>} record failed runs of a test that then passed, so they leave the test
 * passed; its {@code <rerunFailure>} and {@code <rerunError>} record further failed runs of a test
 * that never passed, and always come after a {@code <failure>} or {@code <error>} that already
 * decides.
 *
 * <p>A document type declaration is refused outright: report files come from the repository under
 * test, and a DTD is how XML reads local files or remote URLs (XXE).
 *
 * <p>Stateless and thread-safe; each call uses its own parser.
 */
final class ReportParser {
  private static final Map<String, Status> OUTCOMES =
      Map.of(
          "failure", Status.FAILED,
          "rerunFailure", Status.FAILED,
          "error", Status.ERROR,
          "rerunError", Status.ERROR,
          "skipped", Status.SKIPPED);
  private static final List<Status> BY_SEVERITY =
      List.of(Status.PASSED, Status.SKIPPED, Status.FAILED, Status.ERROR);

  private ReportParser() {}

  /** The results in {@code file}, in document order, one per {@code <testcase>}. */
  static List<TestResult> parse(Path file) {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      XMLStreamReader reader = factory().createXMLStreamReader(in);
      try {
        return new Reading(file, reader).all();
      } finally {
        reader.close();
      }
    } catch (XMLStreamException e) {
      throw new ReportException(
          "test report "
              + file
              + " is not well-formed XML at "
              + line(e.getLocation())
              + ": "
              + reason(e),
          e);
    } catch (IOException e) {
      throw new ReportException("could not read test report " + file + ": " + e.getMessage(), e);
    }
  }

  private static XMLInputFactory factory() {
    // The JDK's own parser, whatever StAX implementation a dependency brings: its handling of DTDs
    // is what the tests pin down.
    XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
    factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    return factory;
  }

  private static String line(Location location) {
    return location == null || location.getLineNumber() < 0
        ? "an unknown line"
        : "line " + location.getLineNumber();
  }

  /** The parser's own sentence, without the "ParseError at [row,col]" prefix it adds. */
  private static String reason(XMLStreamException e) {
    String message = String.valueOf(e.getMessage());
    int at = message.indexOf("Message: ");
    return at >= 0 ? message.substring(at + "Message: ".length()).strip() : message.strip();
  }

  private static String normalize(String text) {
    return text == null ? "" : text.strip().replaceAll("\\s+", " ");
  }

  private static String truncate(String text) {
    return text.length() <= TestResult.MAX_DETAILS_CHARS
        ? text
        : text.substring(0, TestResult.MAX_DETAILS_CHARS);
  }

  /** Reading one document: a small state machine over its events. Single use, one thread. */
  private static final class Reading {
    private final Path file;
    private final XMLStreamReader reader;
    private final List<TestResult> results = new ArrayList<>();
    private final Deque<String> suites = new ArrayDeque<>();
    private int depth;

    private String className;
    private String name;
    private Duration time;
    private Status status;
    private String message;

    private StringBuilder details;
    private String outcomeMessage;
    private int outcomeDepth;

    Reading(Path file, XMLStreamReader reader) {
      this.file = file;
      this.reader = reader;
    }

    List<TestResult> all() throws XMLStreamException {
      while (reader.hasNext()) {
        switch (reader.next()) {
          case XMLStreamConstants.DTD -> throw refuseDoctype();
          case XMLStreamConstants.START_ELEMENT -> start(reader.getLocalName());
          case XMLStreamConstants.END_ELEMENT -> end(reader.getLocalName());
          case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA -> text();
          default -> {
            // Comments, processing instructions and whitespace between elements carry no results.
          }
        }
      }
      return results;
    }

    private void start(String element) {
      if (depth++ == 0 && !element.equals("testsuites") && !element.equals("testsuite")) {
        throw new ReportException(
            "test report "
                + file
                + " is not a JUnit XML report: its root element is <"
                + element
                + ">, not <testsuites> or <testsuite>");
      }
      if (name == null && element.equals("testsuite")) {
        suites.push(normalize(reader.getAttributeValue(null, "name")));
      } else if (name == null && element.equals("testcase")) {
        startCase();
      } else if (name != null && details == null && OUTCOMES.containsKey(element)) {
        startOutcome(OUTCOMES.get(element));
      }
    }

    private void end(String element) {
      depth--;
      if (details != null && depth == outcomeDepth) {
        endOutcome();
      } else if (name != null && details == null && element.equals("testcase")) {
        endCase();
      } else if (name == null && element.equals("testsuite")) {
        suites.pop();
      }
    }

    private void text() {
      if (details != null && details.length() < TestResult.MAX_DETAILS_CHARS) {
        String text = reader.getText();
        int room = TestResult.MAX_DETAILS_CHARS - details.length();
        details.append(text, 0, Math.min(room, text.length()));
      }
    }

    private void startCase() {
      name = normalize(reader.getAttributeValue(null, "name"));
      if (name.isEmpty()) {
        throw new ReportException(
            "test report "
                + file
                + " has a <testcase> without a name at "
                + line(reader.getLocation()));
      }
      className = normalize(reader.getAttributeValue(null, "classname"));
      time = seconds(reader.getAttributeValue(null, "time"));
      status = Status.PASSED;
      message = null;
    }

    private void endCase() {
      String owner = className.isEmpty() ? innermostSuiteName() : className;
      String id = owner.isEmpty() ? name : owner + "#" + name;
      results.add(new TestResult(id, status, status == Status.PASSED ? null : message, time));
      name = null;
    }

    private void startOutcome(Status outcome) {
      if (BY_SEVERITY.indexOf(outcome) <= BY_SEVERITY.indexOf(status)) {
        return;
      }
      status = outcome;
      String attribute = reader.getAttributeValue(null, "message");
      if (attribute == null || attribute.isBlank()) {
        attribute = reader.getAttributeValue(null, "type");
      }
      outcomeMessage = attribute == null ? "" : truncate(attribute.strip());
      details = new StringBuilder();
      outcomeDepth = depth - 1;
    }

    private void endOutcome() {
      String text = details.toString().strip();
      details = null;
      if (outcomeMessage.isEmpty()) {
        message = text.isEmpty() ? null : text;
      } else {
        message = text.isEmpty() ? outcomeMessage : outcomeMessage + "\n" + text;
      }
    }

    private String innermostSuiteName() {
      return suites.stream().filter(suite -> !suite.isEmpty()).findFirst().orElse("");
    }

    private ReportException refuseDoctype() {
      return new ReportException(
          "test report "
              + file
              + " declares a DTD at "
              + line(reader.getLocation())
              + "; fleetq refuses DTDs in test reports because they can read local files or"
              + " remote URLs (XXE)");
    }

    /** A {@code time} attribute in seconds; absent, negative or unreadable times count as zero. */
    private static Duration seconds(String value) {
      if (value == null || value.isBlank()) {
        return Duration.ZERO;
      }
      try {
        // Some Surefire versions wrote times with a locale's thousands separator, such as 1,234.5.
        double seconds = Double.parseDouble(value.strip().replace(",", ""));
        return seconds > 0 && Double.isFinite(seconds)
            ? Duration.ofNanos(Math.round(seconds * 1_000_000_000d))
            : Duration.ZERO;
      } catch (NumberFormatException e) {
        return Duration.ZERO;
      }
    }
  }
}
