#!/usr/bin/env bash
# scripts/real-servers.sh KIT DIR: builds (or, when already built, starts) the three supported
# JumpServer versions with the real-jumpserver kit at KIT, one workdir each under DIR, and prints
# their ready files, one path per line. Used by .ci/run before `npm run test:real`.
# Exit 0: every server answers. Exit 3: the kit could not build (a registry down, a missing
# package...): the reason is the last line on stderr. Progress goes to stderr.
set -euo pipefail
KIT=${1:?usage: real-servers.sh KIT DIR}
DIR=${2:?usage: real-servers.sh KIT DIR}
mkdir -p "$DIR"

# tag and port of each server (Redis takes port + 1000)
SERVERS=("v3.10.23 19131" "v4.10.16 19161" "v4.10.19 19191")

build() {
  local tag=$1 port=$2
  local work="$DIR/$tag"
  local log="$DIR/$tag.log"
  local started=$SECONDS
  if "$KIT/up.sh" "$tag" "$port" "$work" > "$DIR/$tag.ready" 2> "$log"; then
    echo "[real-servers] $tag ready in $((SECONDS - started)) s" >&2
  else
    echo "[real-servers] $tag failed after $((SECONDS - started)) s; last lines of $log:" >&2
    tail -n 15 "$log" >&2
    return 1
  fi
}

# Two at a time (the machine has 2 cores); the kit serializes apt and PostgreSQL itself.
pids=()
for s in "${SERVERS[@]:0:2}"; do
  # shellcheck disable=SC2086
  build $s &
  pids+=($!)
done
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=1; done
# shellcheck disable=SC2086
build ${SERVERS[2]} || failed=1
if [ "$failed" -ne 0 ]; then
  reason=$(grep -h '\[kit\] ERROR' "$DIR"/*.log 2> /dev/null | tail -n 1 || true)
  echo "${reason:-a kit build failed (see $DIR/*.log)}" >&2
  exit 3
fi

# PostgreSQL started by the kit inherits the kit's per-workdir lock (fd 9), so reset.sh would then
# always find "another kit command is running". Restart it from here, where no kit lock is open.
if { ls -l /proc/[0-9]*/fd 2> /dev/null || true; } | grep -q '/\.kit/lock$'; then
  echo "[real-servers] restarting PostgreSQL so that it holds no kit lock" >&2
  pg_ctlcluster "${KIT_PG_VERSION:-15}" "${KIT_PG_CLUSTER:-main}" restart 8>&- 9>&- >&2
fi

for s in "${SERVERS[@]}"; do
  read -r tag _ <<< "$s"
  cat "$DIR/$tag.ready"
done
