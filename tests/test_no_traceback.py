"""One line, never a traceback (issue 11, item 6): every `streamlab` command and every lab script,
with bad arguments, with the lab down, and against services that accept a connection and never answer.

The runs happen in this process (tests/lab_down_runs.py: no interpreter start per run), in an
environment where nothing of a real lab is reachable: ports + 3000, an empty LAB_HOME, no `.env`,
the native runtime, LAB_CONNECT_TIMEOUT=0.5. A few real processes check the entry points themselves.
Nothing here starts a service or binds a lab port: commands that would (`up`, `cluster up`,
`console`, `gateway`, the service drills, `bundle build`) run only with bad arguments.
"""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from lab_down_runs import (REPO, BlackHole, Outcome, answering_lab, cli_commands, lab_down_env, run_cli, run_module,
                           run_script)

COMMANDS = cli_commands()
SCRIPTS = sorted(p.relative_to(REPO).as_posix() for folder in ("producers", "consumers", "processors")
                 for p in (REPO / folder).glob("*.py"))

FAILS, REPORTS, EITHER = "fails", "reports", "either"  # lab down: exit non-zero / exit 0 / depends on this machine

# Each command with valid arguments while the lab is down, and what it must do.
LAB_DOWN: dict[tuple[str, ...], tuple[tuple[str, ...], str]] = {
    ("status",): ((), REPORTS),
    ("down",): ((), REPORTS),
    ("logs",): (("kafka",), FAILS),
    ("doctor",): ((), EITHER),  # its checks depend on this machine (Java, Maven, memory)
    ("produce",): (("--count", "1"), FAILS),
    ("consume",): (("web_logs", "--max", "1"), FAILS),
    ("pipeline",): ((), FAILS),
    ("switch",): (("connect",), FAILS),  # with the lab down it stops nothing and fails at Connect
    ("verify",): (("--count", "1"), FAILS),
    ("drill",): (("records",), FAILS),
    ("check",): ((), FAILS),
    ("topics", "create"): (("x",), FAILS),
    ("topics", "list"): ((), FAILS),
    ("topics", "describe"): (("x",), FAILS),
    ("topics", "delete"): (("x",), FAILS),
    ("connect", "register"): (("connectors/s3-sink.json",), FAILS),
    ("connect", "list"): ((), FAILS),
    ("connect", "status"): (("x",), FAILS),
    ("connect", "pause"): (("x",), FAILS),
    ("connect", "resume"): (("x",), FAILS),
    ("connect", "restart"): (("x",), FAILS),
    ("connect", "delete"): (("x",), FAILS),
    ("s3", "ls"): ((), FAILS),
    ("s3", "cat"): (("topics/",), FAILS),
    ("cluster", "status"): ((), REPORTS),
    ("cluster", "down"): ((), REPORTS),
    ("cluster", "drill"): ((), FAILS),  # refuses before anything: the cluster is not running
    ("bundle", "check"): (("--quick",), EITHER),  # reads bundle/ only
}
# Commands never run with valid arguments here: they start services or bind ports (or download).
NOT_RUN_LAB_DOWN = {
    ("up",): "starts the lab's services",
    ("cluster", "up"): "starts the three-broker cluster",
    ("console",): "serves the console on its port",
    ("gateway",): "serves the gateway on its port",
    ("bundle", "build"): "downloads wheels, jars and images",
}
# `drill connect | opensearch` stop and start services: `drill` runs lab-down only as `drill records`.

BAD_ARGS = [
    ("nosuch",), ("--runtime", "bogus", "status"), ("up", "nosuch-service-name", "--no-such-option"),
    ("logs",), ("logs", "kafka", "-n", "many"), ("produce", "--rate", "fast"), ("produce", "--count", "-1"),
    ("consume",), ("consume", "web_logs", "--max", "all"), ("consume", "bad!topic"), ("switch",), ("switch", "nosuch"),
    ("verify", "--count", "0"), ("drill",), ("drill", "nosuch"), ("drill", "broker"), ("check", "nosuch"),
    ("gateway", "--port", "http"), ("console", "--port", "http"), ("topics", "create"),
    ("topics", "create", "x", "--partitions", "many"), ("topics", "create", "x", "--config", "novalue"),
    ("topics", "nosuch"), ("connect", "register", "no/such/file.json"), ("connect", "status"), ("s3", "cat"),
    ("cluster", "drill", "--rate", "0"), ("cluster", "nosuch"),
]

# Each script with valid arguments while Kafka is down: one line saying so.
SCRIPT_LAB_DOWN: dict[str, tuple[str, ...]] = {
    "producers/bakery_producer.py": ("--count", "1"),
    "producers/fms_producer.py": ("--rounds", "1"),
    "producers/log_file_streamer.py": ("--log-files", '[{"path": "LOG", "type": "apache"}]', "--checkpoint", "CHECKPOINT"),
    "producers/message_producer.py": ("--demo", "1"),
    "producers/unicorn_producer.py": ("--count", "1"),
    "producers/web_log_producer.py": ("--count", "1"),
    "consumers/bakery_consumer.py": ("--exit-when-idle", "1"),
    "consumers/filtered_consumer.py": ("--exit-when-idle", "1"),
    "consumers/fms_consumer.py": ("--exit-when-idle", "1"),
    "consumers/unicorn_consumer.py": ("--exit-when-idle", "1"),
    "processors/keyword_filter.py": ("--exit-when-idle", "1"),
    "processors/log_window_aggregator.py": ("--exit-when-idle", "1"),
    "processors/spark_aggregate.py": (),  # checks its topic before it starts Spark
    "processors/spark_streaming.py": ("--once",),
}
SCRIPT_BAD_ARGS = [
    ("producers/bakery_producer.py", "--rate", "fast"), ("producers/fms_producer.py", "nosuchmode"),
    ("producers/log_file_streamer.py", "--batch-size", "many"), ("producers/unicorn_producer.py", "--interval", "soon"),
    ("producers/web_log_producer.py", "--rate", "-1"), ("consumers/bakery_consumer.py", "--max-messages", "all"),
    ("processors/log_window_aggregator.py", "--window", "0"), ("processors/keyword_filter.py", "--keyword", " , "),
]


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict[str, str]:
    return lab_down_env(tmp_path_factory.mktemp("lab-home"))


def assert_one_error_line(outcome: Outcome, *words: str) -> None:
    """Non-zero, no traceback, and the last line of stderr is the only `error:` line."""
    assert outcome.code != 0, outcome
    assert_no_traceback(outcome)
    errors = [line for line in outcome.err_lines if line.startswith("error:")]
    assert len(errors) == 1 and outcome.err_lines[-1] == errors[0], outcome
    assert all(word in errors[0] for word in words), outcome


def assert_no_traceback(outcome: Outcome) -> None:
    text = outcome.out + outcome.err
    assert "Traceback" not in text, outcome
    assert "error: unexpected" not in text, f"run_main's last resort caught a bug:\n{outcome}"


def name(args) -> str:
    return " ".join(args) or "(no args)"


# -- the CLI ---------------------------------------------------------------------------------
def test_every_command_is_run_with_the_lab_down_or_says_why_not():
    unclassified = [" ".join(path) for path in COMMANDS if path not in LAB_DOWN and path not in NOT_RUN_LAB_DOWN]
    assert not unclassified, f"add these to LAB_DOWN (or NOT_RUN_LAB_DOWN with the reason): {unclassified}"


@pytest.mark.parametrize("path", [p for p in COMMANDS if p in LAB_DOWN], ids=name)
def test_command_with_the_lab_down(env, path):
    args, expected = LAB_DOWN[path]
    outcome = run_cli(env, *path, *args)
    if expected == FAILS or (expected == EITHER and outcome.code != 0):
        assert_one_error_line(outcome)
    else:
        assert outcome.code == 0, outcome
        assert_no_traceback(outcome)
        assert not [line for line in outcome.err_lines if line.startswith("error:")], outcome


@pytest.mark.parametrize("path", COMMANDS, ids=name)
def test_command_with_an_unknown_option(env, path):
    outcome = run_cli(env, *path, "--no-such-option")
    assert outcome.code == 2
    assert_one_error_line(outcome, "--no-such-option", f"streamlab {' '.join(path)} --help")


@pytest.mark.parametrize("args", BAD_ARGS, ids=name)
def test_command_with_bad_arguments(env, args):
    assert_one_error_line(run_cli(env, *args))


def test_help_of_every_command_and_group(env):
    groups = {path[:n] for path in COMMANDS for n in range(len(path))}
    for path in sorted(groups | set(COMMANDS)):
        outcome = run_cli(env, *path, "--help")
        assert outcome.code == 0 and "usage" in outcome.out.lower(), outcome
        assert_no_traceback(outcome)


def test_a_group_without_its_command_shows_its_help(env):
    outcome = run_cli(env, "topics")
    assert outcome.code == 2 and "create" in outcome.out and not outcome.err_lines, outcome


@pytest.mark.parametrize("variable, value, says", [
    ("LAB_PORT_OFFSET", "lots", "LAB_PORT_OFFSET='lots' is not a whole number"),
    ("LAB_CONNECT_TIMEOUT", "soon", "LAB_CONNECT_TIMEOUT='soon' is not a number of seconds"),
    ("RUNTIME", "podman", "RUNTIME='podman' is not one of"),
])
def test_a_bad_environment_variable(env, variable, value, says):
    assert_one_error_line(run_cli({**env, variable: value}, "topics", "list"), says)
    assert_one_error_line(run_script({**env, variable: value}, "producers/bakery_producer.py", "--count", "1"), says)


# -- the scripts -----------------------------------------------------------------------------
def test_every_script_is_run_with_the_lab_down():
    missing = sorted(set(SCRIPTS) - set(SCRIPT_LAB_DOWN))
    assert not missing, f"add these to SCRIPT_LAB_DOWN: {missing}"


@pytest.mark.parametrize("script", SCRIPTS)
def test_script_with_the_lab_down(env, tmp_path, script):
    log, checkpoint = tmp_path / "access.log", tmp_path / "checkpoint.json"
    log.write_text("")
    args = [a.replace("LOG", str(log)).replace("CHECKPOINT", str(checkpoint)) for a in SCRIPT_LAB_DOWN[script]]
    assert_one_error_line(run_script(env, script, *args), "Kafka is not reachable")


@pytest.mark.parametrize("script", SCRIPTS)
def test_script_with_an_unknown_option(env, script):
    outcome = run_script(env, script, "--no-such-option")
    assert outcome.code == 2
    assert_one_error_line(outcome, "--no-such-option", "--help")


@pytest.mark.parametrize("args", SCRIPT_BAD_ARGS, ids=name)
def test_script_with_bad_arguments(env, args):
    outcome = run_script(env, *args)
    assert outcome.code == 2
    assert_one_error_line(outcome)


def test_the_console_entry_with_bad_arguments(env):
    assert_one_error_line(run_module(env, "streamlab.console", "--port", "http"), "--port")


# -- services that accept a connection and never answer ------------------------------------------
@pytest.fixture(scope="module")
def hung():
    hole = BlackHole()
    yield hole.address
    hole.close()


@pytest.fixture(scope="module")
def answering(hung):
    """Connect (with the connect pipeline's connectors), OpenSearch and S3 that answer, on one port."""
    server = answering_lab(["opensearch-sink", "s3-sink"])
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.parametrize("script", ["producers/bakery_producer.py", "producers/web_log_producer.py"])
def test_a_producer_whose_broker_never_answers(env, hung, script):
    outcome = run_script(env, script, "--bootstrap-servers", hung, "--count", "1")
    assert_one_error_line(outcome, f"Kafka is not reachable at {hung}")


@pytest.mark.parametrize("args", [("topics", "list"), ("consume", "x", "--max", "1")], ids=name)
def test_a_kafka_command_whose_broker_never_answers(env, hung, args):
    assert_one_error_line(run_cli(env, *args, "--bootstrap-servers", hung), f"Kafka is not reachable at {hung}")


HUNG = [
    ("CONNECT_URL", ("connect", "list"), "Kafka Connect at http://{hung} did not answer within 0.5 s"),
    ("S3_ENDPOINT", ("s3", "ls"), "S3 at http://{hung} did not answer listing"),
    ("OPENSEARCH_URL", ("verify", "--count", "1"), "OpenSearch at http://{hung} did not answer within 0.5 s"),
    ("S3_ENDPOINT", ("verify", "--count", "1"), "S3 at http://{hung} did not answer listing"),
    ("KAFKA_BOOTSTRAP", ("verify", "--count", "1"), "Kafka is not reachable at {hung}"),
    ("KAFKA_BOOTSTRAP", ("drill", "records"), "Kafka is not reachable at {hung}"),
]


@pytest.mark.parametrize("hung_service, args, says", HUNG, ids=[f"{name(args)}: {var}" for var, args, _ in HUNG])
def test_a_service_that_never_answers_mid_command(env, hung, answering, hung_service, args, says):
    """verify and the drill get past Connect (their pipeline runs), then meet the service that hangs."""
    services = {"CONNECT_URL": answering, "OPENSEARCH_URL": answering, "S3_ENDPOINT": answering}
    address = hung if hung_service == "KAFKA_BOOTSTRAP" else f"http://{hung}"
    outcome = run_cli({**env, **services, hung_service: address}, *args)
    assert_one_error_line(outcome, says.format(hung=hung))


# -- the real entry points, as processes ------------------------------------------------------------
ENTRY_POINTS = [  # the console script students type, and a script run by path (each start costs ~1.5 s of imports)
    ([str(Path(sys.executable).parent / "streamlab"), "topics", "list"], "Kafka is not reachable"),
    ([sys.executable, "producers/bakery_producer.py", "--rate", "fast"], "invalid float value"),
]


def test_entry_points_as_processes(env):
    import os

    def run(argv):
        return subprocess.run(argv, cwd=REPO, env={**os.environ, **env}, capture_output=True, text=True, timeout=60)

    with ThreadPoolExecutor(len(ENTRY_POINTS)) as pool:
        results = list(pool.map(run, [argv for argv, _ in ENTRY_POINTS]))
    for (argv, says), result in zip(ENTRY_POINTS, results):
        assert_one_error_line(Outcome(result.returncode, result.stdout, result.stderr), says)


# Output into a pipe whose reader is gone (`streamlab status | head -1`): the three ways it shows.
CLOSED_PIPE_RUNS = {
    "rich (the CLI's help)": [str(Path(sys.executable).parent / "streamlab"), "--help"],
    "print() in a typer command": [sys.executable, "-c", """
import typer
from streamlab.scripting.run import run_main
app = typer.Typer()
@app.command()
def lines():
    for n in range(100_000):
        print(n)
run_main(app)"""],
    "print() in a script": [sys.executable, "-c", "from streamlab.scripting.run import run_main\nrun_main(lambda: print('x' * 100))"],
}


def test_output_into_a_closed_pipe_ends_quietly_with_141(env):
    import os

    def run(argv):
        read_end, write_end = os.pipe()
        os.close(read_end)  # the reader has gone before the first line, as `| true` does
        try:
            return subprocess.run(argv, cwd=REPO, env={**os.environ, **env}, stdout=write_end, stderr=subprocess.PIPE,
                                  text=True, timeout=60)
        finally:
            os.close(write_end)

    with ThreadPoolExecutor(len(CLOSED_PIPE_RUNS)) as pool:
        results = dict(zip(CLOSED_PIPE_RUNS, pool.map(run, CLOSED_PIPE_RUNS.values())))
    for name_, result in results.items():
        assert (result.returncode, result.stderr) == (141, ""), f"{name_}: exit {result.returncode}\n{result.stderr}"


# -- run_main: the one place where an error becomes a line and an exit code ---------------------------
def run_main_with(failure: BaseException, in_a_thread: bool = False) -> tuple[int, str]:
    import io
    import threading

    from rich.console import Console

    from streamlab.scripting.run import run_main

    def fail():
        raise failure

    def main():
        if not in_a_thread:
            fail()
        helper = threading.Thread(target=fail)
        helper.start()
        helper.join()

    console, hook = Console(file=io.StringIO(), width=80, soft_wrap=True), threading.excepthook
    try:
        with pytest.raises(SystemExit) as exit_:
            run_main(main, console)
    finally:
        threading.excepthook = hook  # run_main's, for the threads of the process it runs
    return exit_.value.code, console.file.getvalue()


def client_failures():
    import requests
    from botocore.exceptions import ReadTimeoutError
    from kafka.errors import KafkaTimeoutError

    return [
        (KafkaTimeoutError("Failed to update metadata after 10.0 secs."), "Kafka failed: KafkaTimeoutError: Failed to update metadata"),
        (requests.ConnectTimeout("timed out"), "an HTTP request failed: timed out"),
        (ReadTimeoutError(endpoint_url="http://s3:9000/b"), "S3 failed: Read timeout on endpoint URL"),
        (PermissionError(13, "Permission denied", "/root/.lab"), "[Errno 13] Permission denied: '/root/.lab'"),
    ]


@pytest.mark.parametrize("failure, says", client_failures(), ids=lambda v: type(v).__name__ if isinstance(v, BaseException) else "")
def test_a_client_failure_nobody_worded_is_one_line_with_exit_1(failure, says):
    code, printed = run_main_with(failure)
    assert code == 1 and printed.count("\n") == 1 and says in printed and "Traceback" not in printed, printed


def test_a_bug_is_one_line_that_says_how_to_see_the_traceback(monkeypatch):
    monkeypatch.delenv("STREAMLAB_TRACEBACK", raising=False)
    code, printed = run_main_with(ZeroDivisionError("division by zero"))
    assert code == 1 and printed.startswith("error: unexpected ZeroDivisionError: division by zero")
    assert "STREAMLAB_TRACEBACK=1" in printed and printed.count("\n") == 1
    monkeypatch.setenv("STREAMLAB_TRACEBACK", "1")
    with pytest.raises(ZeroDivisionError):
        run_main_with(ZeroDivisionError("division by zero"))


def test_an_error_message_over_several_lines_is_printed_on_one():
    from streamlab.errors import LabError

    code, printed = run_main_with(LabError("Configuration property x\nis outside the range", "hint", exit_code=2))
    assert (code, printed) == (2, "error: Configuration property x is outside the range (hint)\n")


def test_ctrl_c_exits_130_quietly():
    assert run_main_with(KeyboardInterrupt()) == (130, "")


def test_a_helper_thread_that_fails_says_so_in_one_line(monkeypatch):
    monkeypatch.delenv("STREAMLAB_TRACEBACK", raising=False)
    code, printed = run_main_with(ConnectionResetError(104, "Connection reset by peer"), in_a_thread=True)
    assert (code, printed) == (0, "error: [Errno 104] Connection reset by peer\n")


def test_a_broken_pipe_elsewhere_is_a_failure_not_a_closed_output(env):
    """A child's stdin or a socket that broke is an error line and exit 1; only a closed stdout is 141."""
    import os

    script = ("from streamlab.scripting.run import run_main\n"
              "def main():\n    print('working')\n    raise BrokenPipeError(32, 'Broken pipe')\nrun_main(main)")
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, env={**os.environ, **env},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and result.stdout == "working\n", result
    assert result.stderr.startswith("error:") and "Traceback" not in result.stderr, result.stderr
