"""Every shell command in README.md and docs/labs.md, checked as a student copies it (issue 10).

Static, without a lab: each `make X` names a real target (and variables the recipes use), each
`streamlab ...` a real command with real options, each script its real options, each curl parses;
and a new terminal can run every block (`source .venv/bin/activate` before a bare `python` or
`streamlab`, or make targets). The integration test runs the docs' read-only commands on the lab.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

import pytest

REPO = Path(__file__).resolve().parent.parent
DOCS = ("README.md", "docs/labs.md")
SHELL_BUILTINS = {"source", ".", "ls", "mv", "kill", "echo", ":", "cd", "cat"}
SEPARATORS = (";", "|", "&")
ACTIVATE = {("source", ".venv/bin/activate"), (".", ".venv/bin/activate")}
NEEDS_VENV = {"python", "python3", "streamlab"}


@dataclass(frozen=True)
class Command:
    doc: str
    line: int  # of the line the command starts on
    text: str  # the whole line, continuations joined, comment included
    argv: tuple[str, ...]  # without leading VAR=value assignments
    terminal: int  # which terminal of its block runs it (0: the block's own)

    def where(self) -> str:
        return f"{self.doc}:{self.line}: {self.text.strip()}"


# --- extraction -------------------------------------------------------------------------------

def bash_blocks(doc: str) -> list[tuple[int, list[str]]]:
    """(first line number, lines) of every ```bash block."""
    blocks, current, start = [], None, 0
    for number, line in enumerate((REPO / doc).read_text().splitlines(), 1):
        if current is None and line.strip() in ("```bash", "```sh", "```shell"):
            current, start = [], number + 1
        elif current is not None and line.strip() == "```":
            blocks.append((start, current))
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def logical_lines(start: int, lines: list[str]):
    """(line number, text) with backslash continuations joined."""
    pending, first = "", start
    for number, line in enumerate(lines, start):
        if not pending:
            first = number
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        yield first, pending + line
        pending = ""


def split_commands(text: str) -> list[list[str]]:
    """Simple commands of one shell line: split at ; | && ||, redirections dropped, comments gone."""
    lexer = shlex.shlex(text, posix=True, punctuation_chars=";&|<>")
    lexer.whitespace_split = True
    commands, current, skip_next = [], [], False
    for token in lexer:
        if skip_next:
            skip_next = False
        elif token and set(token) <= set(";&|<>"):
            if any(mark in token for mark in SEPARATORS):
                commands.append(current)
                current = []
            else:
                skip_next = True  # `> file`, `< file`: the next word is a file name
        else:
            current.append(token)
    commands.append(current)
    return [c for c in commands if c]


def without_assignments(argv: list[str]) -> list[str]:
    while argv and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", argv[0]):
        argv = argv[1:]
    return argv


def terminal_of(text: str, current: int) -> int:
    """`# terminal 2: ...` or a comment line `# in another terminal:` opens a terminal."""
    comment = text.partition("#")[2] if "#" in text else ""
    if match := re.search(r"\bterminal (\d+)", comment):
        return int(match.group(1))
    if text.strip().startswith("#") and "another terminal" in comment:
        return current + 1
    return current


def doc_commands() -> list[Command]:
    found = []
    for doc in DOCS:
        for start, lines in bash_blocks(doc):
            terminal = 0
            for number, text in logical_lines(start, lines):
                terminal = terminal_of(text, terminal)
                for argv in split_commands(text):
                    if argv := without_assignments(argv):
                        found.append(Command(doc, number, text, tuple(argv), terminal))
    return found


COMMANDS = doc_commands()


def commands_named(*names: str) -> list[Command]:
    return [c for c in COMMANDS if c.argv[0] in names]


# --- make -------------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def make_rules() -> dict[str, str]:
    """target -> its recipe, from the Makefile and mk/*.mk."""
    rules, target = {}, None
    for path in [REPO / "Makefile", *sorted((REPO / "mk").glob("*.mk"))]:
        for line in path.read_text().splitlines():
            if match := re.match(r"^([a-z0-9][a-z0-9-]*):", line):
                target = match.group(1)
                rules.setdefault(target, "")
            elif line.startswith("\t") and target:
                rules[target] += line.strip() + "\n"
            elif line.strip() and not line.startswith("#"):
                target = None
    return rules


@lru_cache(maxsize=None)
def make_text() -> str:
    return "\n".join(p.read_text() for p in [REPO / "Makefile", *(REPO / "mk").glob("*.mk")])


def check_make(argv: tuple[str, ...]) -> None:
    targets, variables = [], {}
    for word in argv[1:]:
        name, sep, value = word.partition("=")
        if sep:
            variables[name] = value
        elif not word.startswith("-"):
            targets.append(word)
    for target in targets:
        assert target in make_rules(), f"no make target {target!r}"
    for name in variables:
        assert f"$({name})" in make_text(), f"no make variable {name} is used by any recipe"
    if "ARGS" in variables:
        for target in targets:
            check_recipe_args(make_rules()[target], shlex.split(variables["ARGS"]))


def check_recipe_args(recipe: str, args: list[str]) -> None:
    """ARGS="..." must be options of what the recipe runs: a script, or a streamlab command."""
    if script := re.search(r"\b((?:producers|consumers|processors)/\w+\.py)", recipe):
        check_script(script.group(1), args)
    elif command := re.search(r"\$\((?:CLI|LAB)\) ([a-z -]+?) \$\(ARGS\)", recipe):
        check_streamlab(("streamlab", *command.group(1).split(), *args))


# --- streamlab --------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def streamlab_app():
    from rich.console import Console

    from streamlab.cli import build_app
    from streamlab.lab import Lab

    return build_app(Lab(), Console())


@lru_cache(maxsize=None)
def streamlab_command():
    """The click command tree behind `streamlab --help` (typer ships its own click: compare by shape)."""
    from typer.main import get_command

    return get_command(streamlab_app())


def is_group(command) -> bool:
    return hasattr(command, "commands")


def check_streamlab(argv: tuple[str, ...]) -> None:
    command, path, words = streamlab_command(), ["streamlab"], list(argv[1:])
    while words:
        word = words.pop(0)
        if path == ["streamlab", "produce"]:  # every option passes through to the web-log producer
            check_script("producers/web_log_producer.py", [word, *words])
            return
        if word.startswith("-"):
            option = option_of(command, word.split("=")[0])
            assert option is not None, f"`{' '.join(path)}` has no option {word} (see `{' '.join(path)} --help`)"
            if not option.is_flag and "=" not in word and words:
                words.pop(0)  # its value
        elif is_group(command):
            assert word in command.commands, f"`{' '.join(path)}` has no command {word!r}"
            command = command.commands[word]
            path.append(word)
    assert not is_group(command), f"`{' '.join(path)}` needs a command"


@dataclass(frozen=True)
class HelpOption:
    is_flag: bool = True


def option_of(command, name: str):
    """The click option called `name` (None when there is none); --help is every command's."""
    if name == "--help":
        return HelpOption()
    options = (p for p in command.params if getattr(p, "param_type_name", "") == "option")
    return next((p for p in options if name in (*p.opts, *p.secondary_opts)), None)


def test_streamlab_help_runs_for_every_documented_command():
    from typer.testing import CliRunner

    for path in {command_path(c.argv) for c in commands_named("streamlab")}:
        result = CliRunner().invoke(streamlab_app(), [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)


def command_path(argv: tuple[str, ...]) -> tuple[str, ...]:
    """The words of argv that name (sub)commands: ('topics', 'describe') of `streamlab topics describe x`."""
    command, path = streamlab_command(), []
    for word in argv[1:]:
        if not is_group(command) or word not in command.commands:
            break
        command = command.commands[word]
        path.append(word)
    return tuple(path)


# --- scripts ----------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def script_parser(script: str):
    """The script's own parse_args (argparse exits 2 on an unknown option, a bad value or choice)."""
    if script == "producers/web_log_producer.py":
        from streamlab.scripting.weblog_producer import parse_args

        return parse_args
    spec = importlib.util.spec_from_file_location(Path(script).stem, REPO / script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, "parse_args", None)


def check_script(script: str, args: list[str]) -> None:
    assert (REPO / script).is_file(), f"no script {script}"
    if not re.match(r"(producers|consumers|processors)/", script):  # bench/ and tools: options per --help
        help_text = subprocess.run([sys.executable, script, "--help"], cwd=REPO, capture_output=True, text=True,
                                   timeout=60).stdout if args else ""
        for option in (a.split("=")[0] for a in args if a.startswith("-")):
            assert option in help_text, f"`python {script} --help` has no {option}"
        return
    parse_args = script_parser(script)
    if parse_args is None:
        assert not args, f"{script} takes no options"
        return
    from streamlab.errors import LabError

    try:
        parse_args(args)
    except (SystemExit, LabError) as exc:  # a bad option is a LabError (exit 2); --help exits
        raise AssertionError(f"`python {script} {' '.join(args)}`: not what its --help allows") from exc


def check_python(argv: tuple[str, ...]) -> None:
    assert len(argv) > 1 and argv[1].endswith(".py"), "python runs a script from the repository"
    check_script(argv[1], list(argv[2:]))


# --- curl -------------------------------------------------------------------------------------

CURL_VALUE_OPTIONS = {"-X", "-H", "-d", "--data", "--data-urlencode", "--data-binary", "-o", "-u", "--connect-to"}


def curl_urls(argv: tuple[str, ...]) -> list[str]:
    urls, words = [], list(argv[1:])
    while words:
        word = words.pop(0)
        if word in CURL_VALUE_OPTIONS:
            words.pop(0)
        elif not word.startswith("-"):
            urls.append(word)
    return urls


def check_curl(argv: tuple[str, ...]) -> None:
    globbing_off = any(w in ("-g", "--globoff") for w in argv)
    for url in curl_urls(argv):
        assert globbing_off or not re.search(r"[\[\]{}]", url), \
            f"curl reads [] and {{}} in a URL as its own ranges ({url}): pass the query with -G --data-urlencode"
    if shutil.which("curl"):
        # The real curl, every connection sent to a closed port: 7 (could not connect) means it parsed.
        result = subprocess.run([*argv, "--connect-to", "::127.0.0.1:1", "--noproxy", "*", "--max-time", "5"],
                                capture_output=True, text=True, timeout=30)
        assert result.returncode == 7, f"curl exit code {result.returncode}: {result.stderr.strip()}"


# --- the static test --------------------------------------------------------------------------

CHECKS = {"make": check_make, "streamlab": check_streamlab, ".venv/bin/streamlab": check_streamlab,
          "python": check_python, "python3": check_python, ".venv/bin/python": check_python, "curl": check_curl}


def test_the_docs_have_commands_of_every_kind():
    kinds = {c.argv[0] for c in COMMANDS}
    assert {"make", "streamlab", "python", "curl"} <= kinds
    assert len(COMMANDS) > 40


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: f"{c.doc}:{c.line}:{c.argv[0]}")
def test_doc_command_is_real(command):
    name = command.argv[0]
    assert name in CHECKS or name in SHELL_BUILTINS, f"{command.where()}: unknown command {name!r}"
    if name in CHECKS:
        try:
            CHECKS[name](command.argv)
        except AssertionError as exc:
            raise AssertionError(f"{command.where()}\n  {exc}") from None


def test_every_block_runs_in_a_new_terminal():
    """Bare `python` and `streamlab` need the venv: each terminal of a block activates it before."""
    for doc in DOCS:
        for start, lines in bash_blocks(doc):
            active, terminal = set(), 0
            for number, text in logical_lines(start, lines):
                terminal = terminal_of(text, terminal)
                for argv in map(without_assignments, split_commands(text)):
                    if argv and tuple(argv[:2]) in ACTIVATE:
                        active.add(terminal)
                    elif argv and argv[0] in NEEDS_VENV:
                        assert terminal in active, (
                            f"{doc}:{number}: `{text.strip()}` runs `{argv[0]}` in a terminal that has not run "
                            "`source .venv/bin/activate`: add it, or use a make target or .venv/bin/")


def test_curl_check_catches_the_old_fan_out_command():
    old = ("curl", "localhost:9200/web_logs-*/_search?q=status_code:[500 TO 599]&pretty")
    with pytest.raises(AssertionError, match="ranges"):
        check_curl(old)


# --- integration: the docs' read-only commands against the native lab --------------------------

# Each must appear in a docs code block exactly so; they read and change nothing.
READ_ONLY = (
    "make status",
    "make pipeline",
    "streamlab consume web_logs --max 1000",
    "streamlab s3 ls topics/web_logs/",
    "streamlab s3 ls streams/orders/",
    "curl -sG 'localhost:9200/web_logs-*/_search?pretty' --data-urlencode 'q=status_code:[500 TO 599]'",
    "streamlab cluster status",
    "make consume TOPIC=app-logs MAX=5",
    "make consume TOPIC=app-logs-dlq MAX=5",
)


def test_read_only_commands_are_in_the_docs():
    documented = {shlex.join(c.argv) for c in COMMANDS}
    for command in READ_ONLY:
        assert shlex.join(shlex.split(command)) in documented, f"not in the docs any more: {command}"


def as_after_activate() -> dict[str, str]:
    """The environment `source .venv/bin/activate` gives a new terminal."""
    venv = REPO / ".venv"
    return {**os.environ, "VIRTUAL_ENV": str(venv), "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"}


def to_the_test_lab(command: str, settings) -> str:
    """curl goes to the session's services, wherever they listen (the docs say the lab's ports)."""
    if not command.startswith("curl "):
        return command
    routes = {9200: settings.OPENSEARCH_URL, 8083: settings.CONNECT_URL}
    for port, url in routes.items():
        target = urlparse(url)
        command += f" --connect-to localhost:{port}:{target.hostname}:{target.port}"
    return command + " --noproxy '*' --fail"


@pytest.mark.integration
@pytest.mark.parametrize("command", READ_ONLY)
def test_read_only_doc_command_runs_on_the_lab(command, lab_controller, kafka_bootstrap):
    lab_controller.ensure("s3", "opensearch", "connect")
    result = subprocess.run(["bash", "-c", to_the_test_lab(command, lab_controller.settings)], cwd=REPO,
                            env=as_after_activate(), capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, f"{command}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    assert "Traceback" not in result.stdout + result.stderr
    assert "runtime:" not in result.stderr or command == "make status"  # said by `up` and `status` only


def test_the_drill_table_in_the_readme_is_the_one_it_prints_and_says_it_is_an_example():
    """Real runs differ (1 to 3 leader changes): the README's figures are marked as one example run."""
    from streamlab.cluster.drill import DrillReport

    text = (REPO / "README.md").read_text()
    start = text.index("| measure | value |")
    lines = text[start:].split("\n\n", 1)[0].splitlines()[2:]
    documented = [line.split("|")[1].strip() for line in lines]
    printed = list(DrillReport().table().columns[0]._cells)
    assert documented == printed
    lead_in = text[:start].rstrip().rsplit("\n\n", 1)[-1]
    assert "example" in lead_in, lead_in
