# What the scripts share: their usage (the script's header comment), error exits, stopping processes.
# Each script names itself in its messages by its file name.
SCRIPT_NAME="$(basename "$0")"

# usage: the script's header comment, from its second line to the first line that is not a comment
usage() { sed -n '2,${/^#/!q;s/^# \{0,1\}//p}' "$0"; }

# help_requested ARG...: true when an argument is -h or --help
help_requested() {
  local arg
  for arg in "$@"; do [[ "$arg" == -h || "$arg" == --help ]] && return 0; done
  return 1
}

# die [STATUS] MESSAGE...: "NAME: error: MESSAGE" on stderr, exit STATUS (default 1)
die() {
  local status=1
  [[ "${1:-}" =~ ^[0-9]+$ ]] && { status=$1; shift; }
  echo "$SCRIPT_NAME: error: $*" >&2
  exit "$status"
}

# bad_usage MESSAGE...: "NAME: error: MESSAGE" and the usage on stderr, exit 2 (README "Exit codes": bad usage)
bad_usage() {
  echo "$SCRIPT_NAME: error: $*" >&2
  usage >&2
  exit 2
}

# stop_processes SECONDS PID...: SIGTERM to each, up to SECONDS for all to exit, then SIGKILL to those left
stop_processes() {
  local seconds=$1 pid left
  shift
  [[ $# -gt 0 ]] || return 0
  kill "$@" 2>/dev/null || true
  for _ in $(seq "$seconds"); do
    left=()
    for pid in "$@"; do
      if kill -0 "$pid" 2>/dev/null; then left+=("$pid"); fi
    done
    [[ ${#left[@]} -eq 0 ]] && return 0
    sleep 1
  done
  kill -9 "$@" 2>/dev/null || true
}
