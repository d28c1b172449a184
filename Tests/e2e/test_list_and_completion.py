"""sts-proc list (no STS call, no secret) and completion of --profile, --sso-session and
--to: bash running the generated script for real, and interactive zsh and fish, driven
through a pseudo-terminal, pressing TAB."""

from __future__ import annotations

import fcntl
import json
import os
import re
import select
import signal
import struct
import subprocess
import termios
import time
from pathlib import Path

import pytest

from e2e_support import parse_credentials, run_sts_proc, sts_proc_bin
from test_assume_role import Counter

pytestmark = pytest.mark.usefixtures("empty_keyring")


def test_list_shows_flows_the_line_and_time_left_without_sts_or_secrets(aws_env, moto_auth):
    aws_env.credentials("base", moto_auth.user)
    aws_env.sts_proc_profile("p", moto_auth.role_arn, "base", cache=None)
    aws_env.profile("ops-cached", credential_process=aws_env.credential_process_line("p"))
    aws_env.profile("vault", credential_process="aws-vault exec x --json")
    document = parse_credentials(run_sts_proc(["--profile", "p"], aws_env))
    counter = Counter(moto_auth, action=None)
    res = run_sts_proc(["list", "--json"], aws_env)
    assert res.rc == 0 and res.stderr == "", res.stderr
    rows = {row["profile"]: row for row in json.loads(res.stdout)}
    assert sorted(rows) == ["base", "ops-cached", "p", "vault"]
    assert rows["p"]["flow"] == "AssumeRole" and rows["p"]["role"] == moto_auth.role_arn
    assert rows["p"]["stsProcProfile"] == "p" and rows["p"]["keys"] == "credentials file"
    assert 3000 < rows["p"]["cacheSecondsLeft"] <= 3600 and rows["p"]["cacheExpiration"] == document["Expiration"]
    assert rows["ops-cached"]["stsProcProfile"] == "p" and rows["ops-cached"]["cacheSecondsLeft"] is not None
    assert rows["base"]["flow"] == "static keys" and rows["base"]["stsProcProfile"] is None
    assert rows["vault"]["flow"] == "credential process" and rows["vault"]["source"] == "aws-vault"
    text = run_sts_proc(["list"], aws_env).stdout
    assert text.splitlines()[0].split() == ["PROFILE", "FLOW", "ROLE", "SOURCE", "STS-PROC", "KEYS", "CACHED"]
    assert counter.delta == 0, "list called STS"
    for secret in (moto_auth.user.secret_access_key, moto_auth.user.access_key_id, document["SecretAccessKey"],
                   document["SessionToken"]):
        assert secret not in res.stdout + text


def test_list_shows_the_time_left_of_a_credential_kept_only_in_the_kernel_keyring(aws_env, moto_auth):
    # sts_proc_cache = kernel: no Secret Service item, the kernel keyring holds it all its life.
    aws_env.credentials("base", moto_auth.user)
    aws_env.sts_proc_profile("list-kernel-only", moto_auth.role_arn, "base", cache="kernel")
    document = parse_credentials(run_sts_proc(["--profile", "list-kernel-only"], aws_env))
    res = run_sts_proc(["list", "--json"], aws_env)
    assert res.rc == 0 and res.stderr == "", res.stderr
    row = {row["profile"]: row for row in json.loads(res.stdout)}["list-kernel-only"]
    assert row["cacheExpiration"] == document["Expiration"] and 3000 < row["cacheSecondsLeft"] <= 3600, row
    assert document["SessionToken"] not in res.stdout
    run_sts_proc(["cache", "clear", "--profile", "list-kernel-only"], aws_env)


# ----------------------------------------------------------------------------- completion

@pytest.fixture
def completion_env(aws_env, tmp_path):
    aws_env.profile("prod", region="us-east-1")
    aws_env.profile("preview", region="us-east-1")
    aws_env.profile("dev", region="us-east-1")
    aws_env.append_config("[sso-session corp]\nsso_start_url = https://x.awsapps.com/start\nsso_region = eu-west-1\n")
    aws_env.append_credentials("[prod-static]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n")
    aws_env["PATH"] = str(Path(sts_proc_bin()).parent) + ":" + aws_env["PATH"]
    return aws_env


def script(shell: str, folder: Path) -> Path:
    path = folder / f"sts-proc.{shell}"
    path.write_text(subprocess.run([sts_proc_bin(), "--generate-completion-script", shell], capture_output=True,
                                   text=True, check=True).stdout)
    return path


def bash_complete(env, folder: Path, line: str) -> list[str]:
    words = line.split(" ")
    program = (f"source {script('bash', folder)}\n"
               f"COMP_WORDS=({line}); COMP_CWORD={len(words) - 1}; COMP_LINE='{line}'; COMP_POINT=${{#COMP_LINE}}\n"
               "_sts-proc sts-proc \"${COMP_WORDS[COMP_CWORD]}\" \"${COMP_WORDS[COMP_CWORD-1]}\"\n"
               "printf '%s\\n' \"${COMPREPLY[@]}\"\n")
    res = subprocess.run(["bash", "--norc", "-c", program], env=dict(env), capture_output=True, text=True, timeout=30)
    assert res.stderr == "", res.stderr
    return [word for word in res.stdout.split("\n") if word]


def test_bash_completes_profiles_sessions_and_sections(completion_env, tmp_path):
    # A credentials-file section is a profile too (botocore merges both files).
    assert bash_complete(completion_env, tmp_path, "sts-proc doctor --profile pr") == ["preview", "prod", "prod-static"]
    assert bash_complete(completion_env, tmp_path, "sts-proc env --profile d") == ["dev"]
    assert bash_complete(completion_env, tmp_path, "sts-proc sso login --sso-session c") == ["corp"]
    assert bash_complete(completion_env, tmp_path, "sts-proc write --profile prod --to p") == ["prod-static"]


def test_bash_completion_prints_nothing_on_a_broken_config(completion_env, tmp_path):
    completion_env.append_config("[profile prod]\nregion = us-east-1\n")  # a repeated section: botocore refuses the file
    assert bash_complete(completion_env, tmp_path, "sts-proc doctor --profile pr") == []


# ------------------------------------------------------------- zsh and fish, interactively
#
# Their completion only runs inside the line editor: fish's `complete -C` under `fish -c`
# has no command line for the generated script's `commandline -tC` (it errors), and zsh's
# completion functions need zle. So each test starts the shell on a pseudo-terminal, types
# the line and presses TAB, as a user does. Two things are read back:
#   the buffer   a key binding (Ctrl-T) writes it to a numbered file: what TAB inserted
#   the listing  what the shell drew below the prompt for several matches: everything
#                between the first line break after TAB and the first cursor-up that
#                brings the cursor back to the prompt (zsh: "a   b   c" in columns;
#                fish's pager: "a  (description)" a line each)
# and the text of everything TAB drew, to see that no message came out.

KEYS_TIMEOUT = 15.0  # seconds for the shell to start or to handle the keys: far above the usual 0.1 s

_MOVES = re.compile(rb"\r|\x08|\x1b\[[0-9;]*[A-HJKf]")  # cursor moves and erasing: text apart
_ESCAPES = re.compile(rb"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78]|\x07")
_CURSOR_UP = re.compile(rb"\x1b\[[0-9]*A")


def _text(raw: bytes) -> str:
    """The text of `raw`: cursor moves become a space (fish redraws the line after moving
    the cursor back over it), other escapes (colours, the window title) and bells go."""
    return _ESCAPES.sub(b"", _MOVES.sub(b" ", raw)).decode(errors="replace")


def _without_descriptions(row: str) -> str:
    """A listing row without fish's "(description)"s, which may hold parentheses themselves."""
    kept, depth = [], 0
    for char in row:
        depth += char == "("
        kept.append(char if depth == 0 else " ")
        depth -= char == ")" and depth > 0
    return "".join(kept)


class PtyShell:
    """An interactive shell on a pseudo-terminal of its own (its controlling terminal, as in
    a terminal window: fish refuses to run interactively without one). `complete(line)`
    types `line`, presses TAB and answers (buffer after TAB, candidates listed, text drawn)."""

    def __init__(self, argv: list[str], env: dict, folder: Path, setup: str) -> None:
        self.dumps = folder / "dumps"
        self.dumps.mkdir()
        self.count = 0
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
        # setsid --ctty: a new session whose controlling terminal is the pty (stdin).
        self.process = subprocess.Popen(["setsid", "--ctty", *argv], stdin=slave, stdout=slave, stderr=slave,
                                        env=env, close_fds=True)
        os.close(slave)
        self.master = master
        try:
            self._send(setup + "\n")
            self._wait_for_dump()  # the setup's last command writes dump 1: the shell is ready
            self._drain()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)  # setsid ran the shell itself: it leads the group
        self.process.wait(timeout=KEYS_TIMEOUT)
        os.close(self.master)

    def _send(self, text: str) -> None:
        os.write(self.master, text.encode())

    def _drain(self, quiet: float = 0.1) -> bytes:
        """What the shell writes until it has been quiet for `quiet` seconds."""
        out = b""
        while select.select([self.master], [], [], quiet)[0]:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        return out

    def _wait_for_dump(self) -> str:
        self.count += 1
        path = self.dumps / str(self.count)
        deadline = time.monotonic() + KEYS_TIMEOUT
        while time.monotonic() < deadline:
            if path.exists() and (text := path.read_text()).endswith("\n"):
                return text[:-1]
            if self.process.poll() is not None:
                raise AssertionError(f"the shell exited ({self.process.returncode}): {_text(self._drain())!r}")
            time.sleep(0.02)
        raise AssertionError(f"no answer from the shell in {KEYS_TIMEOUT} s; it showed {_text(self._drain())!r}")

    def complete(self, line: str) -> tuple[str, list[str], str]:
        self._send("\x15" + line + "\x14")  # Ctrl-U: an empty line first; Ctrl-T: dump the buffer
        assert self._wait_for_dump() == line
        self._drain()  # the echo of the typed line: not TAB's doing
        # TAB alone, and Ctrl-T only once the shell has drawn what TAB made it draw (a line
        # editor may put off redrawing while more keys are waiting). The dump then says
        # that TAB has been handled, and whatever is still on its way is read after it.
        self._send("\t")
        raw = self._drain(quiet=0.3)
        self._send("\x14")
        buffer = self._wait_for_dump()
        raw += self._drain()
        listing = b""
        if b"\n" in raw:
            listing = _CURSOR_UP.split(raw.split(b"\n", 1)[1], 1)[0]
        candidates = [word for row in _text(listing).split("\n") for word in _without_descriptions(row).split()]
        return buffer, candidates, _text(raw)


# Ctrl-T runs a function that writes the buffer into the next numbered file of $DUMPS.
ZSH_SETUP = ("PS1='$ '; RPS1=; PROMPT_EOL_MARK=; fpath=({completions} $fpath); autoload -Uz compinit; compinit -u; "
             "typeset -i n=1; dump() {{ print -r -- \"$BUFFER\" >| $DUMPS/$((++n)) }}; zle -N dump; "
             "bindkey '^T' dump; print ready >| $DUMPS/1")
FISH_SETUP = ("function fish_prompt; echo '$ '; end; function fish_right_prompt; end; set -g fish_greeting; "
              "source {completions}/sts-proc.fish; set -g n 1; "
              "function dump; set -g n (math $n + 1); commandline >$DUMPS/$n; end; bind \\ct dump; "
              "echo ready >$DUMPS/1")


def start_shell(shell: str, env: dict, folder: Path) -> PtyShell:
    """An interactive zsh (-f: no startup file) or fish (--no-config) with sts-proc's
    completion loaded as installed: zsh's `_sts-proc` from fpath through compinit, fish's
    script sourced. HOME, ZDOTDIR and the XDG folders are the test's own, so nothing of the
    user's is read and the shells' history goes nowhere that matters."""
    completions = folder / "completions"
    completions.mkdir()
    name = "_sts-proc" if shell == "zsh" else "sts-proc.fish"
    (completions / name).write_text(script(shell, folder).read_text())
    env = dict(env, TERM="xterm", DUMPS=str(folder / "dumps"), ZDOTDIR=env["HOME"])
    for variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        env[variable] = str(folder / variable.lower())
    if shell == "zsh":
        argv, setup = ["zsh", "-f", "-i"], ZSH_SETUP
    else:
        argv, setup = ["fish", "--no-config", "--interactive"], FISH_SETUP
    return PtyShell(argv, env, folder, setup.format(completions=completions))


@pytest.fixture(params=["zsh", "fish"])
def interactive_shell(request, completion_env, tmp_path):
    terminal = start_shell(request.param, completion_env, tmp_path)
    try:
        yield terminal
    finally:
        terminal.close()


def test_zsh_and_fish_complete_profiles_sessions_and_sections_on_tab(interactive_shell):
    line = "sts-proc doctor --profile pr"
    buffer, listed, _ = interactive_shell.complete(line)
    assert (buffer, listed) == (line, ["preview", "prod", "prod-static"])
    # One match: TAB writes it into the line.
    for line, word in (("sts-proc env --profile d", "dev"), ("sts-proc sso login --sso-session c", "corp"),
                       ("sts-proc write --profile prod --to p", "prod-static")):
        buffer, listed, _ = interactive_shell.complete(line)
        assert buffer.split() == line.split()[:-1] + [word] and listed == [], (line, buffer, listed)


def test_zsh_and_fish_complete_nothing_and_say_nothing_on_a_broken_config(completion_env, interactive_shell):
    line = "sts-proc doctor --profile pr"
    completion_env.append_config("[profile prod]\nregion = us-east-1\n")  # a repeated section: botocore refuses the file
    buffer, listed, shown = interactive_shell.complete(line)
    assert (buffer, listed) == (line, [])
    assert set(shown.split()) <= set(line.split()), shown  # at most the line redrawn


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_the_pty_harness_sees_what_a_failing_callback_prints(shell, completion_env, tmp_path):
    """The check above would also pass if the harness missed what the shell drew: the
    message of a callback that fails must show up in `shown`."""
    fake = tmp_path / "fake-bin"
    fake.mkdir()
    (fake / "sts-proc").write_text("#!/bin/sh\necho 'sts-proc: cannot read the config' >&2\nexit 1\n")
    (fake / "sts-proc").chmod(0o755)
    terminal = start_shell(shell, dict(completion_env, PATH=f"{fake}:{completion_env['PATH']}"), tmp_path)
    try:
        line = "sts-proc doctor --profile pr"
        buffer, listed, shown = terminal.complete(line)
    finally:
        terminal.close()
    assert buffer == line and "sts-proc: cannot read the config" in shown, shown
