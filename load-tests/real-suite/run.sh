#!/bin/bash
# fleetq's goal check on a real JUnit 5 suite (commons-codec 1.17.1). See README.md.
#   run.sh [fix|nonfix|weak|shared] env: AGENTS (4), HTTP_PORT (18080), WORK (/tmp/fleetq-real-suite),
#     JOB_TIMEOUT seconds (480), FLEETQ_JAR (cli/target/fleetq.jar), GROUP_BY (the job's plan.groupBy;
#     fleetq's default when unset)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mode=${1:-fix}
case $mode in fix | nonfix | weak | shared) ;; *) echo "usage: run.sh [fix|nonfix|weak|shared]" >&2; exit 2 ;; esac
AGENT_MODE=$mode . "$here/mutations.sh"
agents=${AGENTS:-4}
port=${HTTP_PORT:-18080}
work=${WORK:-/tmp/fleetq-real-suite}
cache=$work/cache
run=$work/run-$(date +%Y%m%d-%H%M%S)-$mode
mkdir -p "$cache" "$run"
log() { echo "[$(date +%T)] $*" | tee -a "$run/summary.txt"; }

# 1. The library, its tests and the JUnit console launcher, from Maven Central, cached.
M=https://repo1.maven.org/maven2
for path in commons-codec/commons-codec/1.17.1/commons-codec-1.17.1-sources.jar \
  commons-codec/commons-codec/1.17.1/commons-codec-1.17.1-test-sources.jar \
  org/apache/commons/commons-lang3/3.14.0/commons-lang3-3.14.0.jar \
  commons-io/commons-io/2.16.1/commons-io-2.16.1.jar \
  org/junit/platform/junit-platform-console-standalone/1.10.3/junit-platform-console-standalone-1.10.3.jar; do
  [ -s "$cache/${path##*/}" ] || curl -sSf -o "$cache/${path##*/}" "$M/$path"
done

# failing REPORT: the ids (class#name) of the tests that failed or errored; passing REPORT: the others.
ids() {
  awk -v want="$1" '
    /^<testcase / { match($0, /name="[^"]*"/); n = substr($0, RSTART + 6, RLENGTH - 7)
                    match($0, /classname="[^"]*"/); c = substr($0, RSTART + 11, RLENGTH - 12); s = "passing" }
    /^<(failure|error)/ { s = "failing" }
    /^<\/testcase>/ { if (s == want) print c "#" n }' "$2" | sort
}
suite() { (cd "$1" && sh run-tests.sh > "$2" 2>&1) || true; }
report=build/test-reports/TEST-junit-jupiter.xml

# 2. origin (bare) and a seed clone holding the sources, the tests and run-tests.sh.
git init -q --bare -b main "$run/origin.git"
seed=$run/seed
git init -q -b main "$seed"
mkdir -p "$seed/src/main/java" "$seed/src/test/java"
unzip -q "$cache/commons-codec-1.17.1-sources.jar" -d "$seed/src/main/java" -x 'META-INF/*'
unzip -q "$cache/commons-codec-1.17.1-test-sources.jar" -d "$seed/src/test/java" -x 'META-INF/*'
sed "s|@LIB@|$cache|" "$here/run-tests.sh.in" > "$seed/run-tests.sh"
printf 'build/\n' > "$seed/.gitignore"
git -C "$seed" add -A
git -C "$seed" -c user.name=setup -c user.email=setup@example.com commit -qm "commons-codec 1.17.1 with run-tests.sh"
suite "$seed" "$run/pristine.log"
ids failing "$seed/$report" > "$run/pristine-failing.txt"
log "pristine: $(ids passing "$seed/$report" | wc -l) passing, $(wc -l < "$run/pristine-failing.txt") failing"

# 3. The mutations, committed as main.
while IFS='|' read -r cause file line good bad tests; do
  swap "$seed/$file" "$line" "$good" "$bad"
  [ "$(wc -w <<< "$tests")" -le 4 ] || tests="$(wc -w <<< "$tests") tests"
  log "mutation $cause: $file:$line '$good' -> '$bad' (breaks $tests)"
done <<< "$MUTATIONS"
git -C "$seed" -c user.name=setup -c user.email=setup@example.com commit -qam "break $(wc -l <<< "$MUTATIONS") things"
suite "$seed" "$run/plan.log"
ids failing "$seed/$report" > "$run/plan-failing.txt"
ids passing "$seed/$report" > "$run/plan-passing.txt"
log "main: $(wc -l < "$run/plan-passing.txt") passing, $(wc -l < "$run/plan-failing.txt") failing, $(wc -l <<< "$MUTATIONS") root causes"
expected=$(while IFS='|' read -r _ _ _ _ _ tests; do printf '%s\n' $tests; done <<< "$MUTATIONS" | sort)
if [ -s "$run/pristine-failing.txt" ] || [ "$expected" != "$(cat "$run/plan-failing.txt")" ]; then
  log "setup check failed: the pristine suite must pass and the mutations must break exactly: $expected"; exit 1
fi
git -C "$seed" remote add origin "$run/origin.git"
git -C "$seed" push -q origin main

# 4. The job: units for the failing tests, the scripted agent, the suite as the gate's test.
group=""
[ -z "${GROUP_BY:-}" ] || group=", \"groupBy\": \"$GROUP_BY\""
cat > "$run/job.json" <<EOF
{
  "id": "codec-$mode-$(date +%H%M%S)",
  "repo": {"url": "$run/origin.git", "branch": "main"},
  "plan": {"kind": "failing-tests", "testCommand": "sh run-tests.sh",
           "reportGlobs": ["$report"], "timeout": "PT5M"$group},
  "agent": {"command": "AGENT_MODE=$mode bash $here/agent.sh", "timeout": "PT2M", "maxAttempts": 3}
}
EOF

# 5. A fleet, as a user runs it: fleetq local, then fleetq submit and fleetq status.
cp -p "${FLEETQ_JAR:-$root/cli/target/fleetq.jar}" "$run/fleetq.jar"
log "fleetq jar of $(date -r "$run/fleetq.jar" +%FT%T), checkout at $(git -C "$root" rev-parse --short HEAD)"
fleetq() { java -jar "$run/fleetq.jar" "$@"; }
java -jar "$run/fleetq.jar" local --agents "$agents" --http-port "$port" --data-dir "$run/fleet" > "$run/local.log" 2>&1 &
fleet=$!
trap 'kill $fleet 2>/dev/null || true; wait $fleet 2>/dev/null || true' EXIT
for _ in $(seq 120); do grep -q '^  Kafka ' "$run/local.log" && break; sleep 1; done
kafka=$(awk '/^  Kafka /{print $2}' "$run/local.log")
api=$(awk '/^  API /{print $2}' "$run/local.log")
[ -n "$kafka" ] || { log "fleetq local did not start; see $run/local.log"; exit 1; }
log "fleetq local: $agents agents, API $api, Kafka $kafka"
endpoints="$run/fleet/endpoints.json"
auth="Authorization: Bearer $(jq -r .token "$endpoints")"
start=$(date +%s)
job=$(fleetq submit "$run/job.json" --endpoints "$endpoints")
log "submitted $job"
status=""
while [ $(($(date +%s) - start)) -lt "${JOB_TIMEOUT:-480}" ]; do
  line=$(fleetq status "$job" --endpoints "$endpoints" 2>&1 || true)
  [ "$line" = "$status" ] || { status=$line; echo "  $line" >> "$run/status-lines.txt"; }
  case $(awk '{print $2}' <<< "$line") in SUCCEEDED | FAILED | CANCELLED) break ;; esac
  sleep 2
done
took=$(($(date +%s) - start))
verdict=$(awk '{print $2}' <<< "$status")
log "status after ${took}s: $status"
curl -sf -H "$auth" "$api/v1/jobs/$job" > "$run/job-state.json" || true
curl -sf -H "$auth" "$api/v1/jobs/$job/units" > "$run/units.json" || true
curl -sf "$api/metrics" > "$run/metrics.txt" || true
repo_id=$(ls "$run/fleet/work/coordinator/gate/mirrors" 2>/dev/null | sed -n 's/\.git$//p' | head -1)
[ -z "$repo_id" ] || curl -sf -H "$auth" "$api/v1/gate/$repo_id" > "$run/gate.json" || true
jq -r '.units[] | "  unit \(.unitId | sub("^org.apache.commons.codec."; "")): \(.status) after \(.attempt) attempt(s)" + ([.failures[]? | "; #\(.attempt) \(.reason)" + ((.detail | capture("\\(a target test of [^:]*/(?<u>[^:/]+): its candidate") | " undoing the target of " + .u) // "")] | join(""))' "$run/units.json" | tee -a "$run/summary.txt" || true
log "detail: $(jq -r '.detail // empty' "$run/job-state.json" 2>/dev/null)"
grep -o 'Decided [0-9]* requests with [0-9]* suite runs' "$run/local.log" | sed 's/^/  gate batch: /' | tee -a "$run/summary.txt" || true
log "agent runs: $(find "$run/fleet/work/workers" -path '*/logs/*.log' -type f | wc -l); units: $(jq '.units | length' "$run/units.json" 2>/dev/null) (groupBy ${GROUP_BY:-default})"
log "gate suite runs: $(awk '/^fleetq_gate_suite_runs_total/{print $2}' "$run/metrics.txt"); verdicts: $(awk '/^fleetq_gate_verdicts_total/{printf "%s ", $0}' "$run/metrics.txt")"
kill $fleet 2>/dev/null || true
wait $fleet 2>/dev/null || true
trap - EXIT

# 6. What main holds now, from a fresh clone, against the job's verdict.
git clone -q "$run/origin.git" "$run/fresh"
suite "$run/fresh" "$run/fresh.log"
ids failing "$run/fresh/$report" > "$run/fresh-failing.txt"
ids passing "$run/fresh/$report" > "$run/fresh-passing.txt"
still=$(comm -12 "$run/plan-failing.txt" "$run/fresh-failing.txt" | tr '\n' ' ')
broken=$(comm -12 "$run/plan-passing.txt" "$run/fresh-failing.txt" | tr '\n' ' ')
missing=$(comm -23 "$run/plan-passing.txt" <(sort -u "$run/fresh-passing.txt" "$run/fresh-failing.txt") | tr '\n' ' ')
fixed=$(comm -12 "$run/plan-failing.txt" "$run/fresh-passing.txt" | wc -l)
log "fresh clone of main at $(git -C "$run/fresh" rev-parse --short HEAD): fixed $fixed of $(wc -l < "$run/plan-failing.txt"); still failing: ${still:-none}; newly failing: ${broken:-none}; missing: ${missing:-none}"
git -C "$run/fresh" log --format='  %h %s' > "$run/main-log.txt"
landings=$(git -C "$run/fresh" log --format='%H %s' | awk '$2 == "Land" {print $1}')
empty=0
for commit in $landings; do
  [ -n "$(git -C "$run/fresh" diff --name-only "$commit^1" "$commit")" ] || empty=$((empty + 1))
done
log "Land commits on main: $(wc -w <<< "$landings"), of which change no file: $empty"
if [ -z "$still$broken$missing" ]; then good=SUCCEEDED; else good=FAILED; fi
if [ "$verdict" = "$good" ]; then log "MATCH (job $verdict, fresh clone says $good)"; else log "MISMATCH (job ${verdict:-none}, fresh clone says $good)"; fi
echo "results in $run"
