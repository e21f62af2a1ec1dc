package dev.fleetq.worker.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetq.exec.git.Git;
import dev.fleetq.exec.testing.ExampleRepo;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.unit.WorkUnit;
import dev.fleetq.worker.git.Workspace.Checkout;
import dev.fleetq.worker.git.Workspace.MergeOutcome;
import dev.fleetq.worker.testing.TestUnits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker's git workspace against a real repository with a bare origin on disk. */
class WorkspaceTest {
  private static final Duration GIT_TIMEOUT = Duration.ofSeconds(30);
  private static final JobId JOB = JobId.parse("job-ws");

  private final Git git = new Git(new Git.Identity("tester", "t@fleetq.invalid"), GIT_TIMEOUT);

  @TempDir Path dir;
  private ExampleRepo repo;
  private Workspace workspace;
  private WorkUnit unit;

  @BeforeEach
  void createRepository() {
    repo = ExampleRepo.create(dir.resolve("repo"), 2, 1);
    workspace = new Workspace(dir.resolve("work"), git, GIT_TIMEOUT);
    unit = TestUnits.aUnit(repo, JOB, 1, "true");
  }

  @Test
  void checkoutCreatesAWorktreeOnTheUnitBranchAtTheTipOfMain() {
    Checkout checkout = workspace.checkout(unit);

    assertThat(checkout.branch()).as("branch").isEqualTo("fleetq/job-ws/u1/a1");
    assertThat(checkout.baseCommit()).as("base commit").isEqualTo(repo.mainHead());
    assertThat(git.run(checkout.dir(), "rev-parse", "HEAD")).as("HEAD").isEqualTo(repo.mainHead());
    assertThat(git.run(checkout.dir(), "rev-parse", "--abbrev-ref", "HEAD"))
        .as("checked-out branch")
        .isEqualTo(checkout.branch());
    assertThat(checkout.dir().resolve("src/f01.txt")).as("a file of main").exists();
  }

  @Test
  void commitMakesOneCommitWithoutTheAssignmentFolderAndFoldsTheAgentsOwnCommits()
      throws IOException {
    Checkout checkout = workspace.checkout(unit);
    Files.createDirectories(checkout.dir().resolve(".fleetq"));
    Files.writeString(checkout.dir().resolve(".fleetq/TASK.md"), "the assignment\n");
    Files.writeString(checkout.dir().resolve("src/f01.txt"), "fixed-01\n");
    // An agent that commits on its own, even forcing the assignment in.
    git.run(checkout.dir(), "add", "--force", "--all");
    git.run(checkout.dir(), "commit", "--quiet", "-m", "agent's own commit");
    Files.writeString(checkout.dir().resolve("src/f02.txt"), "fixed-02\n");

    boolean committed = workspace.commitAll(checkout, "Fix it\n\nFleetq-Job: job-ws\n");

    assertThat(committed).as("committed").isTrue();
    assertThat(git.run(checkout.dir(), "rev-list", "--count", checkout.baseCommit() + "..HEAD"))
        .as("commits on the branch")
        .isEqualTo("1");
    assertThat(git.run(checkout.dir(), "ls-tree", "-r", "--name-only", "HEAD").lines())
        .as("files in the commit")
        .contains("src/f01.txt", "src/f02.txt")
        .noneMatch(path -> path.startsWith(".fleetq"));
    assertThat(
            git.run(checkout.dir(), "log", "-1", "--format=%(trailers:key=Fleetq-Job,valueonly)"))
        .as("trailer")
        .isEqualToIgnoringWhitespace("job-ws");
    assertThat(checkout.dir().resolve(".fleetq/TASK.md")).as("assignment left on disk").exists();
  }

  @Test
  void commitNeverTakesTheSecretFilesAnAgentWrote() throws IOException {
    Checkout checkout = workspace.checkout(unit);
    Files.writeString(checkout.dir().resolve("src/f01.txt"), "fixed-01\n");
    Files.writeString(checkout.dir().resolve(".env"), "TOKEN=leaked\n");
    Files.writeString(checkout.dir().resolve("src/.env.local"), "TOKEN=leaked\n");
    Files.writeString(checkout.dir().resolve(".npmrc"), "//registry/:_authToken=leaked\n");
    Files.writeString(checkout.dir().resolve("src/credentials.json"), "{}\n");
    Files.writeString(checkout.dir().resolve(".git-credentials"), "https://u:p@host\n");
    Files.writeString(checkout.dir().resolve("id_rsa.pub"), "ssh-rsa AAAA leaked\n");
    Files.writeString(checkout.dir().resolve("src/server.pem"), "-----BEGIN leaked\n");
    Files.writeString(checkout.dir().resolve("tls.key"), "-----BEGIN leaked\n");
    Files.createDirectories(checkout.dir().resolve(".aws"));
    Files.writeString(checkout.dir().resolve(".aws/credentials"), "aws_secret=leaked\n");
    Files.createDirectories(checkout.dir().resolve("home/.ssh"));
    Files.writeString(checkout.dir().resolve("home/.ssh/config"), "IdentityFile leaked\n");
    Files.writeString(checkout.dir().resolve("src/ssh.txt"), "not a secret\n");

    assertThat(workspace.commitAll(checkout, "Fix 1")).as("committed").isTrue();

    assertThat(git.run(checkout.dir(), "ls-tree", "-r", "--name-only", "HEAD").lines())
        .as("files in the commit")
        .contains("src/f01.txt", "src/ssh.txt")
        .noneMatch(path -> path.contains(".env"))
        .doesNotContain(
            ".npmrc",
            "src/credentials.json",
            ".git-credentials",
            "id_rsa.pub",
            "src/server.pem",
            "tls.key",
            ".aws/credentials",
            "home/.ssh/config");
  }

  @Test
  void commitRunsGitOnTheMirrorsWorktreeEvenWhenTheAgentRepointedItsGitFile() throws IOException {
    Checkout checkout = workspace.checkout(unit);
    Files.writeString(checkout.dir().resolve("src/f01.txt"), "fixed-01\n");
    Path planted = checkout.dir().resolveSibling("planted");
    git.run(checkout.dir().getParent(), "init", "--quiet", planted.toString());
    git.run(planted, "config", "core.fsmonitor", "touch " + checkout.dir().resolve("pwned"));
    Files.writeString(
        planted.resolve(".git/objects/info/alternates"),
        checkout.mirror().resolve("objects") + "\n");
    Files.delete(checkout.dir().resolve(".git"));
    Files.writeString(checkout.dir().resolve(".git"), "gitdir: " + planted.resolve(".git") + "\n");

    assertThat(workspace.commitAll(checkout, "Fix 1")).as("committed").isTrue();

    assertThat(checkout.dir().resolve("pwned")).as("what the planted config ran").doesNotExist();
    assertThat(git.run(checkout.mirror(), "log", "-1", "--format=%s", workspace.head(checkout)))
        .as("the unit's commit, in the mirror")
        .isEqualTo("Fix 1");
  }

  @Test
  void commitReportsThatTheAgentChangedNothing() throws IOException {
    Checkout checkout = workspace.checkout(unit);
    Files.createDirectories(checkout.dir().resolve(".fleetq"));
    Files.writeString(checkout.dir().resolve(".fleetq/TASK.md"), "the assignment\n");

    assertThat(workspace.commitAll(checkout, "Nothing")).as("committed").isFalse();
    assertThat(git.run(checkout.dir(), "rev-parse", "HEAD"))
        .as("HEAD")
        .isEqualTo(checkout.baseCommit());
  }

  @Test
  void mergeConflictIsReturnedAsAValueAndLeavesTheBranchAsItWas() throws IOException {
    Checkout checkout = workspace.checkout(unit);
    Files.writeString(checkout.dir().resolve("src/f01.txt"), "fixed-01\n");
    workspace.commitAll(checkout, "Fix 1");
    String before = workspace.head(checkout);
    String movedMain = pushToMain("src/f01.txt", "changed-on-main\n");

    MergeOutcome merge = workspace.mergeLatestMain(checkout);

    assertThat(merge.conflicted()).as("conflicted").isTrue();
    assertThat(merge.conflicts()).as("conflicting paths").containsExactly("src/f01.txt");
    assertThat(merge.mainCommit()).as("main commit").isEqualTo(movedMain);
    assertThat(workspace.head(checkout)).as("HEAD after the aborted merge").isEqualTo(before);
    assertThat(git.run(checkout.dir(), "status", "--porcelain")).as("worktree status").isEmpty();
  }

  @Test
  void mergeBringsInAMainThatMovedElsewhere() throws IOException {
    Checkout checkout = workspace.checkout(unit);
    Files.writeString(checkout.dir().resolve("src/f01.txt"), "fixed-01\n");
    workspace.commitAll(checkout, "Fix 1");
    String movedMain = pushToMain("src/f03.txt", "fixed-03 still\n");

    MergeOutcome merge = workspace.mergeLatestMain(checkout);

    assertThat(merge.conflicted()).as("conflicted").isFalse();
    assertThat(merge.mainCommit()).as("main commit").isEqualTo(movedMain);
    assertThat(merge.head()).as("head").isEqualTo(workspace.head(checkout));
    assertThat(git.tryRun(checkout.dir(), "merge-base", "--is-ancestor", movedMain, "HEAD"))
        .as("main is an ancestor of the branch")
        .matches(result -> result.succeeded());
  }

  @Test
  void pushPublishesTheUnitBranchAndNeverTouchesMain() throws IOException {
    String main = repo.mainHead();
    Checkout checkout = workspace.checkout(unit);
    Files.writeString(checkout.dir().resolve("src/f01.txt"), "fixed-01\n");
    workspace.commitAll(checkout, "Fix 1");

    workspace.push(checkout);
    Checkout onMain =
        new Checkout(
            checkout.url(),
            checkout.mirror(),
            checkout.dir(),
            "main",
            checkout.mainBranch(),
            checkout.baseCommit());

    assertThat(git.run(repo.origin(), "rev-parse", "refs/heads/" + checkout.branch()))
        .as("pushed branch in the origin")
        .isEqualTo(workspace.head(checkout));
    assertThatThrownBy(() -> workspace.push(onMain))
        .as("pushing main")
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(repo.mainHead()).as("main in the origin").isEqualTo(main);
  }

  @Test
  void removeDeletesTheWorktreeAndItsLocalBranch() {
    Checkout checkout = workspace.checkout(unit);

    workspace.remove(checkout);

    assertThat(checkout.dir()).as("worktree").doesNotExist();
    assertThat(git.run(checkout.mirror(), "worktree", "list").lines())
        .as("worktrees of the mirror")
        .hasSize(1);
    assertThat(git.tryRun(checkout.mirror(), "rev-parse", "--verify", checkout.branch()))
        .as("local branch")
        .matches(result -> !result.succeeded());
  }

  /** Commits a change to main in the origin through a clone of its own; returns the new main. */
  private String pushToMain(String file, String content) throws IOException {
    Path clone = dir.resolve("other-clone");
    git.run(dir, "clone", "--quiet", repo.url(), clone.toString());
    Files.writeString(clone.resolve(file), content);
    git.run(clone, "commit", "--quiet", "-am", "main moves");
    git.run(clone, "push", "--quiet", "origin", "main");
    return repo.mainHead();
  }
}
