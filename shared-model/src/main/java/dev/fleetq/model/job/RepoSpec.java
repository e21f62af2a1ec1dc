package dev.fleetq.model.job;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.fleetq.model.id.RepoId;
import dev.fleetq.model.wire.Check;
import dev.fleetq.model.wire.InvalidMessageException;
import dev.fleetq.model.wire.Limits;
import java.util.regex.Pattern;

/**
 * The git repository a job works on, and the branch that the gate lands commits on.
 *
 * @param url where to clone from: {@code https://}, {@code http://}, {@code ssh://}, {@code
 *     git://}, {@code file://}, scp-like {@code git@host:path}, or an absolute local path; no
 *     whitespace
 * @param branch the branch to work from and land on; {@value #DEFAULT_BRANCH} when absent
 */
public record RepoSpec(@JsonProperty("url") String url, @JsonProperty("branch") String branch) {

  /** The branch used when a job names none. */
  public static final String DEFAULT_BRANCH = "main";

  /**
   * The URL shapes git understands and fleetq accepts. A host may not start with {@code -}, so a
   * URL can never be read as a command-line option. The JSON Schema uses the same expression.
   */
  static final Pattern GIT_URL =
      Pattern.compile(
          "(?:(?:https?|ssh|git)://[A-Za-z0-9_\\[]|file://|[A-Za-z0-9_][A-Za-z0-9._-]*@[A-Za-z0-9]"
              + "[A-Za-z0-9.-]*:|/)[^\\x00-\\x20\\x7f]*");

  /** Checks the URL's shape and the branch name, and fills in the default branch. */
  public RepoSpec {
    Check.requireText("url", url, Limits.MAX_URL_CHARS);
    if (!GIT_URL.matcher(url).matches()) {
      throw new InvalidMessageException(
          "url",
          "must be a git URL (https://, ssh://, git@host:path, file:// or an absolute path), got "
              + Check.quote(url));
    }
    branch = Check.requireBranch("branch", branch == null ? DEFAULT_BRANCH : branch);
  }

  /** The repository's id, derived from its URL. */
  public RepoId repoId() {
    return RepoId.fromUrl(url);
  }
}
