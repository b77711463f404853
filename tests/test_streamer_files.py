"""The streamer's file side on temp files: tailing, rotation, truncation, checkpoint, source config."""

from __future__ import annotations

import json
import os
from types import SimpleNamespace

import pytest

from streamlab.errors import LabError
from streamlab.labs.logparse import parse_line
from streamlab.streamer.checkpoint import Checkpoint, CheckpointStore
from streamlab.streamer.delivery import _record_id
from streamlab.streamer.records import DEAD_LETTER, build_record, record_id, split_record_id
from streamlab.streamer.sources import (
    Source,
    load_config_file,
    parse_sources,
    require_files,
)
from streamlab.streamer.tail import FileTail, Line, Position, find_by_identity
from streamlab.streamer.testlogs import TestLogGenerator, write_test_logs


def write(path, text, mode="a"):
    with open(path, mode) as handle:
        handle.write(text)


def texts(lines):
    return [line.text for line in lines]


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


# -- tailing -------------------------------------------------------------------------------
def test_lines_carry_offsets_and_numbers(tmp_path):
    log = tmp_path / "a.log"
    write(log, "one\ntwo\r\nthree\n")
    lines = FileTail(log).poll(10)
    assert texts(lines) == ["one", "two", "three"]
    assert [(line.offset, line.line_no) for line in lines] == [(0, 1), (4, 2), (9, 3)]


def test_max_lines_is_respected_and_reading_continues(tmp_path):
    log = tmp_path / "a.log"
    write(log, "".join(f"{n}\n" for n in range(10)))
    tail = FileTail(log)
    assert texts(tail.poll(4)) == ["0", "1", "2", "3"]
    assert texts(tail.poll(100)) == ["4", "5", "6", "7", "8", "9"]
    assert tail.position.offset == 20 and tail.position.line_no == 10


def test_resume_from_position(tmp_path):
    log = tmp_path / "a.log"
    write(log, "a\nb\nc\n")
    first = FileTail(log)
    first.poll(2)
    second = FileTail(log, first.position)
    assert [(line.text, line.line_no) for line in second.poll(10)] == [("c", 3)]


def test_from_end_skips_existing_lines_but_keeps_true_line_numbers(tmp_path):
    log = tmp_path / "a.log"
    write(log, "old\nold\n")
    tail = FileTail(log, from_end=True)
    assert tail.poll(10) == []
    write(log, "new\n")
    assert [(line.text, line.line_no) for line in tail.poll(10)] == [("new", 3)]


def test_invalid_utf8_is_kept_visible(tmp_path):
    log = tmp_path / "a.log"
    log.write_bytes(b"caf\xe9\n")
    assert texts(FileTail(log).poll(1)) == ["caf\\xe9"]


def test_rotation_waits_for_the_grace_period_and_drains_the_old_file(tmp_path):
    log, clock = tmp_path / "a.log", Clock()
    write(log, "1\n")
    tail = FileTail(log, rotate_grace_s=1.0, clock=clock)
    assert texts(tail.poll(10)) == ["1"]
    os.rename(log, tmp_path / "a.log.1")
    write(log, "new-1\n")
    assert tail.poll(10) == [] and not tail.switch_pending  # rotation seen, grace not over
    write(tmp_path / "a.log.1", "2\nlast-without-newline")  # the writer had not reopened yet
    clock.now = 0.5
    assert texts(tail.poll(10)) == ["2"]
    clock.now = 1.4
    assert texts(tail.poll(10)) == []  # quiet again, but the grace restarted at 0.5
    clock.now = 1.6
    assert texts(tail.poll(10)) == ["last-without-newline"]
    assert tail.switch_pending
    assert tail.take_warnings() == [f"{log} was rotated: the renamed file is finished, reading the new one from its start"]
    tail.switch()
    lines = tail.poll(10)
    assert texts(lines) == ["new-1"] and lines[0].epoch == 1 and lines[0].offset == 0


def test_truncation_starts_a_new_epoch(tmp_path):
    log = tmp_path / "a.log"
    write(log, "1\n2\n3\n")
    tail = FileTail(log)
    tail.poll(10)
    write(log, "x\n", mode="w")
    assert tail.poll(10) == [] and tail.switch_pending
    assert "truncated" in tail.take_warnings()[0]
    tail.switch()
    lines = tail.poll(10)
    assert texts(lines) == ["x"] and lines[0].epoch == 1


def test_missing_file_is_waited_for(tmp_path):
    log = tmp_path / "later.log"
    tail = FileTail(log)
    assert tail.poll(10) == []
    write(log, "hello\n")
    lines = tail.poll(10)
    assert texts(lines) == ["hello"] and lines[0].epoch == 0


def stopped_after_first_line(log):
    """The position a streamer checkpointed after reading line 1 of "1, 2"."""
    write(log, "1\n2\n")
    first = FileTail(log)
    first.poll(1)
    position = first.checkpoint_position()
    first.close()
    return position


def epochs_of(lines):
    return [(line.text, line.epoch) for line in lines]


def test_restart_after_rotation_finds_the_renamed_file(tmp_path):
    log = tmp_path / "a.log"
    saved = stopped_after_first_line(log)
    os.rename(log, tmp_path / "a.log.1")
    write(log, "new\n")
    second = FileTail(log, saved, rotate_grace_s=0)
    assert second.take_warnings() == [f"{log} was rotated while the streamer was stopped: finishing a.log.1 first"]
    assert texts(second.poll(10)) == ["2"]
    assert second.poll(10) == [] and second.switch_pending
    second.switch()
    assert epochs_of(second.poll(10)) == [("new", 1)]


def test_restart_after_the_rotated_file_was_deleted_warns(tmp_path):
    log = tmp_path / "a.log"
    saved = stopped_after_first_line(log)
    os.rename(log, tmp_path / "gone")
    os.unlink(tmp_path / "gone")
    write(log, "new\n")
    second = FileTail(log, saved)
    assert second.take_warnings()  # "is gone", or "replaced" if the new file got the old inode
    assert epochs_of(second.poll(10)) == [("new", 1)]


def test_restart_after_truncation_while_stopped(tmp_path):
    log = tmp_path / "a.log"
    write(log, "long line one\nlong line two\n")
    first = FileTail(log)
    first.poll(10)
    write(log, "x\n", mode="w")
    second = FileTail(log, first.position)
    assert epochs_of(second.poll(10)) == [("x", 1)]


def test_inode_reused_by_a_new_file_is_not_mistaken_for_the_old_one(tmp_path):
    log = tmp_path / "a.log"
    saved = stopped_after_first_line(log)
    os.unlink(log)
    write(log, "a brand new file that is longer than the old one\n")
    # Whether or not the file system hands out the same inode again, this is a new file.
    second = FileTail(log, Position(saved.device, os.stat(log).st_ino, saved.epoch, saved.offset, saved.line_no,
                                    saved.fingerprint))
    assert second.take_warnings() and epochs_of(second.poll(10)) == [("a brand new file that is longer than the old one", 1)]


def test_checkpoint_without_fingerprint_trusts_the_inode(tmp_path):
    log = tmp_path / "a.log"
    saved = stopped_after_first_line(log)
    legacy = Position(saved.device, saved.inode, saved.epoch, saved.offset, saved.line_no)
    assert texts(FileTail(log, legacy).poll(10)) == ["2"]


def test_find_by_identity(tmp_path):
    log = tmp_path / "a.log"
    write(log, "x\n")
    stat = os.stat(log)
    os.rename(log, tmp_path / "a.log.1")
    assert find_by_identity(tmp_path, stat.st_dev, stat.st_ino) == tmp_path / "a.log.1"
    assert find_by_identity(tmp_path, stat.st_dev, stat.st_ino + 999_999) is None


# -- checkpoint ----------------------------------------------------------------------------
def test_checkpoint_round_trip_and_atomic_replace(tmp_path):
    store = CheckpointStore(tmp_path / "state" / "cp.json")
    assert store.load() is None
    checkpoint = Checkpoint({"web": Position(1, 2, 3, 4, 5)}, {("app-logs", 0): 10, ("my:topic", 2): 7})
    store.save(checkpoint)
    assert store.load() == checkpoint
    assert sorted(os.listdir(tmp_path / "state")) == ["cp.json"]  # no temporary file left behind


def test_corrupt_checkpoint_is_a_one_line_error(tmp_path):
    path = tmp_path / "cp.json"
    path.write_text("{not json")
    with pytest.raises(LabError) as caught:
        CheckpointStore(path).load()
    assert caught.value.exit_code == 2 and "--fresh" in str(caught.value)


# -- records -------------------------------------------------------------------------------
def test_record_ids_are_deterministic_and_reversible():
    rid = record_id("/var/log/a:b.log", 2, 1234)
    assert split_record_id(rid) == ("/var/log/a:b.log", 2, 1234)


def test_parsed_and_dead_letter_records(tmp_path):
    source = Source("web", tmp_path / "a.log", "apache")
    good = build_record(source, Line('1.2.3.4 - - [15/Jan/2024:10:30:45 +0000] "GET / HTTP/1.1" 200 5', 0, 0, 1),
                        parse_line, "app-logs", "app-logs-dlq")
    assert good.topic == "app-logs" and good.key == "web" and not good.dead_letter
    assert good.value["record_id"] == "web:0:0" and good.value["line_number"] == 1
    bad = build_record(source, Line("garbage", 1, 99, 7), parse_line, "app-logs", "app-logs-dlq")
    assert bad.topic == "app-logs-dlq" and bad.dead_letter
    assert {key: bad.value[key] for key in ("raw_line", "source_file", "line_number", "byte_offset", "record_id")} == {
        "raw_line": "garbage", "source_file": str(source.path), "line_number": 7, "byte_offset": 99,
        "record_id": "web:1:99"}
    assert "not an apache access log line" in bad.value["reason"]
    assert (good.counted_as, bad.counted_as) == ("apache_access", DEAD_LETTER)


@pytest.mark.parametrize("value, expected", [
    (b'{"record_id": "web:0:12", "path": "/"}', "web:0:12"),  # what the streamer writes
    (b'{"record_id": "web:x:12"}', None),  # other writers: a malformed id, none, or no JSON object
    (b'{"path": "/"}', None), (b'[1, 2]', None), (b'not json', None), (b"\xff", None), (None, None),
])
def test_a_resume_reads_each_records_id_from_its_value(value, expected):
    assert _record_id(SimpleNamespace(value=value)) == expected


# -- source configuration ------------------------------------------------------------------
def test_sources_from_the_course_json_and_from_yaml(tmp_path):
    inline = parse_sources('[{"path": "/tmp/x/access.log", "type": "apache"}, {"path": "app.log", "type": "json"}]',
                           base=tmp_path)
    assert [(s.name, s.log_type) for s in inline] == [("/tmp/x/access.log", "apache"), (str(tmp_path / "app.log"), "application")]
    config = tmp_path / "streamer.yaml"
    config.write_text("sources:\n  - {path: logs/n.log, type: nginx, name: edge}\n")
    assert load_config_file(config) == [Source("edge", tmp_path / "logs" / "n.log", "nginx")]


@pytest.mark.parametrize("text, problem", [
    ("[: x", "not valid YAML"),
    ("[]", "non-empty list"),
    ("- {path: a.log}", "needs both 'path' and 'type'"),
    ("- {path: a.log, type: syslog}", "unknown log type"),
    ("- {path: a.log, type: apache}\n- {path: a.log, type: nginx}", "listed twice"),
])
def test_bad_source_config_is_a_user_error(tmp_path, text, problem):
    with pytest.raises(LabError, match=problem) as caught:
        parse_sources(text, base=tmp_path)
    assert caught.value.exit_code == 2


def test_missing_log_file_is_a_user_error(tmp_path):
    with pytest.raises(LabError, match="does not exist") as caught:
        require_files([Source("x", tmp_path / "nope.log", "apache")])
    assert caught.value.exit_code == 2


def test_example_config_parses():
    from pathlib import Path

    example = Path(__file__).resolve().parent.parent / "producers" / "streamer.example.yaml"
    assert {source.log_type for source in load_config_file(example)} == {"apache", "nginx", "application"}


# -- test log generator --------------------------------------------------------------------
def test_generated_logs_parse_except_the_intended_bad_lines(tmp_path):
    sources = [Source(t, tmp_path / f"{t}.log", t) for t in ("apache", "nginx", "application")]
    write_test_logs(sources, 300, TestLogGenerator(seed=7, bad_ratio=0.0))
    for source in sources:
        for line in source.path.read_text().splitlines():
            parse_line(line, source.log_type)
    bad = TestLogGenerator(seed=7, bad_ratio=1.0)
    assert all(_fails(bad.line(kind), kind) for kind in ("apache", "nginx", "application") for _ in range(20))


def _fails(line, kind) -> bool:
    try:
        parse_line(line, kind)
    except ValueError:
        return True
    return False


def test_generated_logs_contain_the_real_world_variants():
    generator = TestLogGenerator(seed=3, bad_ratio=0.0)
    records = [parse_line(generator.line("apache"), "apache") for _ in range(3000)]
    assert any(":" in r["ip_address"] for r in records)  # IPv6
    assert any(r["method"] is None for r in records)  # 408 with "-"
    assert any(r["status_code"] == 304 and r["response_size"] == 0 for r in records)
    assert any(r["path"] and not r["path"].isascii() for r in records)
    assert json.loads(generator.line("application"))["timestamp"].endswith("Z")


def test_one_streamer_per_checkpoint(tmp_path):
    store = CheckpointStore(tmp_path / "cp.json")
    with store.exclusive():
        with pytest.raises(LabError, match="another streamer") as caught:
            with CheckpointStore(tmp_path / "cp.json").exclusive():
                pass
        assert caught.value.exit_code == 2
    with store.exclusive():  # released again
        pass
