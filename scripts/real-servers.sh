#!/usr/bin/env bash
# scripts/real-servers.sh KIT DIR [MO_DIR]: builds (or, when already built, starts) the three
# supported JumpServer versions with the real-jumpserver kit at KIT, one workdir each under DIR,
# plus one multi-org v4.10.19 (KIT_MULTI_ORG=1: JumpServer Enterprise's org scoping, the kit
# README's "Multi-org mode") under MO_DIR (default DIR-mo), and prints their ready files, one path
# per line (the multi-org one last, with "multiOrg": true). Used by .ci/run before
# `npm run test:real`.
# Exit 0: every server answers. Exit 3: the kit could not build (a registry down, a missing
# package...): the reason is the last line on stderr. Progress goes to stderr.
set -euo pipefail
KIT=${1:?usage: real-servers.sh KIT DIR}
DIR=${2:?usage: real-servers.sh KIT DIR}
MO_DIR=${3:-$DIR-mo}
mkdir -p "$DIR" "$MO_DIR"

# tag, port and base folder of each server (Redis takes port + 1000); "mo" builds it multi-org
SERVERS=("v3.10.23 19131 $DIR" "v4.10.16 19161 $DIR" "v4.10.19 19191 $DIR" "v4.10.19 19291 $MO_DIR mo")

build() {
  local tag=$1 port=$2 base=$3 mode=${4:-}
  local work="$base/$tag"
  local log="$base/$tag.log"
  local started=$SECONDS
  local name="$tag${mode:+ multi-org}"
  # The mode is fixed when the workdir is created (instance.env keeps it); set it for that build.
  if env ${mode:+KIT_MULTI_ORG=1} "$KIT/up.sh" "$tag" "$port" "$work" > "$base/$tag.ready" 2> "$log"; then
    echo "[real-servers] $name ready in $((SECONDS - started)) s" >&2
  else
    echo "[real-servers] $name failed after $((SECONDS - started)) s; last lines of $log:" >&2
    tail -n 15 "$log" >&2
    return 1
  fi
}

# Two at a time (the machine has 2 cores); the kit serializes apt and PostgreSQL itself.
failed=0
for pair in "0 1" "2 3"; do
  pids=()
  for i in $pair; do
    # shellcheck disable=SC2086
    build ${SERVERS[$i]} &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || failed=1; done
done
if [ "$failed" -ne 0 ]; then
  reason=$(grep -h '\[kit\] ERROR' "$DIR"/*.log "$MO_DIR"/*.log 2> /dev/null | tail -n 1 || true)
  echo "${reason:-a kit build failed (see $DIR/*.log, $MO_DIR/*.log)}" >&2
  exit 3
fi

# PostgreSQL started by the kit inherits the kit's per-workdir lock (fd 9), so reset.sh would then
# always find "another kit command is running". Restart it from here, where no kit lock is open.
if { ls -l /proc/[0-9]*/fd 2> /dev/null || true; } | grep -q '/\.kit/lock$'; then
  echo "[real-servers] restarting PostgreSQL so that it holds no kit lock" >&2
  pg_ctlcluster "${KIT_PG_VERSION:-15}" "${KIT_PG_CLUSTER:-main}" restart 8>&- 9>&- >&2
fi

for s in "${SERVERS[@]}"; do
  read -r tag _ base _ <<< "$s"
  cat "$base/$tag.ready"
done
