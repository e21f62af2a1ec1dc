#!/bin/bash
# The scripted agent: a real process run by a fleetq worker in the unit's worktree. For each test id
# in FLEETQ_TARGET_TESTS it restores the line of the mutation that breaks it (mutations.sh).
#   AGENT_MODE=fix     (default) fix the targets; the SABOTEUR_TEST unit also applies SABOTAGE on attempt 1
#   AGENT_MODE=nonfix  as fix, but the NONFIX_TEST unit only edits a comment, on every attempt
#   AGENT_MODE=weak    fix the targets, and on attempt 1 every unit also applies WEAK (no saboteur)
#   AGENT_MODE=shared  fix the targets of the shared variant's mutations (no saboteur)
# A target whose line is already good (another target of the unit, or a landing of another unit with
# the same root cause, fixed it) needs nothing: a unit whose targets main passes ends SUPERSEDED.
set -eu
. "$(dirname "$0")/mutations.sh"
mode=${AGENT_MODE:-fix}
say() { echo "agent[$FLEETQ_UNIT_ID#$FLEETQ_ATTEMPT]: $*"; }

for id in $FLEETQ_TARGET_TESTS; do
  if [ "$mode" = nonfix ] && [ "$id" = "$NONFIX_TEST" ]; then
    echo "// looked at $id (attempt $FLEETQ_ATTEMPT), changed nothing that matters" >> "$NONFIX_FILE"
    say "comment-only edit of $NONFIX_FILE"
    continue
  fi
  found=no
  while IFS='|' read -r cause file line good bad tests; do
    case " $tests " in *" $id "*) ;; *) continue ;; esac
    found=yes
    if has "$file" "$line" "$bad"; then
      swap "$file" "$line" "$bad" "$good"
      say "fixed $cause in $file:$line for $id"
    elif has "$file" "$line" "$good"; then
      say "$cause is already fixed here; nothing to do for $id"
    else
      say "cannot find line $line of $file as expected"; exit 1
    fi
  done <<< "$MUTATIONS"
  [ $found = yes ] || { say "no mutation known for $id"; exit 1; }
  if [ "$mode" != weak ] && [ "$mode" != shared ] && [ "$id" = "$SABOTEUR_TEST" ] && [ "$FLEETQ_ATTEMPT" = 1 ]; then
    IFS='|' read -r file line good bad <<< "$SABOTAGE"
    swap "$file" "$line" "$good" "$bad"
    say "SABOTAGE: $file:$line ($good -> $bad)"
  fi
done
if [ "$mode" = weak ] && [ "$FLEETQ_ATTEMPT" = 1 ]; then
  IFS='|' read -r file line good bad <<< "$WEAK"
  swap "$file" "$line" "$good" "$bad"
  say "WEAK: $file:$line ($good -> $bad)"
fi
