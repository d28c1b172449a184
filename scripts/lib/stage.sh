# Sourced by scripts/test.sh and scripts/demo.sh: runs long steps with a few lines of
# output each, the whole output kept in a log file.
#
#   stage_init LOG_DIR
#   stage NAME [--show REGEX] [--result REGEX] [--attached] -- CMD [ARGS...]
#       prints "==> NAME", runs CMD with its output going to LOG_DIR/<name>.log, prints
#       the lines matching --show as they come (e.g. the build's "[12/40] Compiling X"),
#       and, when nothing was printed for a minute, one line saying it is still running
#       and how far it got. Then "ok (time): <last line matching --result>", or on failure
#       the end of the log and where the rest is, and the script stops with CMD's status.
#       --attached runs CMD on the terminal instead (for sudo's password prompt).
#   stage_summary    one line per stage run so far, with its time
# Stages run by one script and by a script it exec's share the summary through
# LOG_DIR/summary.tsv.

stage_init() {
  STAGE_LOG_DIR=$1
  mkdir -p "$STAGE_LOG_DIR"
  STAGE_SUMMARY="$STAGE_LOG_DIR/summary.tsv"
}

_stage_duration() {
  local s=$1
  if [ "$s" -ge 60 ]; then printf '%dm%02ds' $((s / 60)) $((s % 60)); else printf '%ds' "$s"; fi
}

# How far a running stage got: pytest's last "[ 45%]" if there is one, else the log's last line.
_stage_progress() {
  local percent
  percent=$(tail -c 4000 "$1" | grep -o '\[ *[0-9]*%\]' | tail -1 || true)
  if [ -n "$percent" ]; then echo "$percent"; else tail -n 1 "$1" | cut -c 1-90; fi
}

stage() {
  local name=$1 show="" result="" attached=false; shift
  while [ $# -gt 0 ] && [ "$1" != -- ]; do
    case "$1" in
      --show) show=$2; shift 2 ;;
      --result) result=$2; shift 2 ;;
      --attached) attached=true; shift ;;
      *) echo "stage: unknown option $1" >&2; return 64 ;;
    esac
  done
  shift  # --
  local log="$STAGE_LOG_DIR/$(tr -c 'A-Za-z0-9\n' - <<<"$name" | tr -s - | sed 's/^-//; s/-$//').log"
  local start=$SECONDS quiet_since=$SECONDS shown=0 lines pid status matched
  printf '==> %s\n' "$name"
  if $attached; then
    status=0; "$@" || status=$?
    _stage_record "$name" "$status" $((SECONDS - start)) ""
    return 0
  fi
  # A background command of a non-interactive shell starts with SIGINT and SIGQUIT
  # ignored, and so would everything it runs: tests that interrupt sts-proc need them at
  # their defaults. coreutils' env restores them for a program, even where this shell
  # itself started with them ignored (then `trap -` cannot); a shell function gets the
  # subshell's `trap -`.
  (
    trap - INT QUIT
    if declare -F "$1" >/dev/null; then "$@"; else exec env --default-signal=INT,QUIT "$@"; fi
  ) >"$log" 2>&1 </dev/null &
  pid=$!
  # A one-second poll of the log: simple, and a stage's output is never held up by it.
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    lines=$(wc -l <"$log")
    if [ -n "$show" ] && [ "$lines" -gt "$shown" ]; then
      matched=$(sed -n "$((shown + 1)),${lines}p" "$log" | grep -E -- "$show" || true)
      if [ -n "$matched" ]; then printf '%s\n' "$matched" | sed 's/^/    /'; quiet_since=$SECONDS; fi
      shown=$lines
    fi
    if [ $((SECONDS - quiet_since)) -ge 60 ]; then
      printf '    ... %s so far: %s\n' "$(_stage_duration $((SECONDS - start)))" "$(_stage_progress "$log")"
      quiet_since=$SECONDS
    fi
  done
  status=0; wait "$pid" || status=$?
  if [ -n "$show" ]; then
    matched=$(sed -n "$((shown + 1)),\$p" "$log" | grep -E -- "$show" || true)
    [ -z "$matched" ] || printf '%s\n' "$matched" | sed 's/^/    /'
  fi
  local what=""
  [ "$status" -ne 0 ] || [ -z "$result" ] \
    || what=$(grep -E -- "$result" "$log" | tail -1 | sed 's/^[=[:space:]]*//; s/[=[:space:]]*$//' || true)
  _stage_record "$name" "$status" $((SECONDS - start)) "$what" "$log"
}

# NAME STATUS SECONDS RESULT [LOG]: the verdict line and the summary's; stops on failure.
_stage_record() {
  local took; took=$(_stage_duration "$3")
  if [ "$2" -ne 0 ]; then
    if [ -n "${5:-}" ]; then
      printf '    FAILED (exit %d) after %s; the last 40 lines of %s:\n' "$2" "$took" "$5"
      tail -n 40 "$5" | sed 's/^/    | /'
    else
      printf '    FAILED (exit %d) after %s\n' "$2" "$took"
    fi
    printf '%s\tFAILED\t%s\n' "$1" "$took" >>"$STAGE_SUMMARY"
    stage_summary
    exit "$2"
  fi
  printf '    ok (%s)%s\n' "$took" "${4:+: $4}"
  printf '%s\tok\t%s\n' "$1" "$took" >>"$STAGE_SUMMARY"
}

stage_summary() {
  [ -s "$STAGE_SUMMARY" ] || return 0
  printf '\nsummary (logs in %s):\n' "$STAGE_LOG_DIR"
  awk -F '\t' '{ printf "  %-7s %6s  %s\n", $2, $3, $1 }' "$STAGE_SUMMARY"
}
