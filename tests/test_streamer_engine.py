"""The streamer's delivery guarantee without Kafka: an in-memory topic, simulated crashes, resumes.

Each test writes a known set of lines, crashes the streamer at a chosen point, resumes it with the
same checkpoint and "topic", and checks that every line is in the topic exactly once.
"""

from __future__ import annotations

import os
import threading

import pytest

from streamlab.streamer.checkpoint import CheckpointStore
from streamlab.streamer.engine import Streamer, StreamerSettings
from streamlab.streamer.records import split_record_id
from streamlab.streamer.sources import Source

TOPICS = ("app-logs", "app-logs-dlq")


class SimulatedCrash(BaseException):
    """Stands for kill -9: nothing after it runs (BaseException, so no handler swallows it)."""


class FakeKafka:
    """Two single-partition topics in memory; optionally dies after N records of a batch were written."""

    def __init__(self):
        self.log = {topic: [] for topic in TOPICS}
        self.crash_after_records: int | None = None
        self.lag = False  # True: a sent batch is acknowledged only when the streamer waits for it

    def end_offsets(self):
        return {(topic, 0): len(records) for topic, records in self.log.items()}

    def send(self, batch):
        self.acked = {}
        for record in batch:
            if self.crash_after_records is not None:
                if self.crash_after_records == 0:
                    raise SimulatedCrash
                self.crash_after_records -= 1
            self.log[record.topic].append(record)
            self.acked[(record.topic, 0)] = len(self.log[record.topic])

    def acknowledge(self, wait=True):
        return None if self.lag and not wait else self.acked

    def delivered_ids(self, since, names):
        return {record.record_id for topic, records in self.log.items()
                for record in records[since.get((topic, 0), 0):] if split_record_id(record.record_id)[0] in names}

    def all_records(self):
        return [record for topic in TOPICS for record in self.log[topic]]


def apache_line(number: int) -> str:
    return f'10.0.0.{number % 250} - - [15/Jan/2024:10:30:45 +0000] "GET /item/{number} HTTP/1.1" 200 {number} "-" "t"'


def append(path, numbers, bad=()):
    with open(path, "a") as handle:
        for number in numbers:
            handle.write(("not a log line %d" % number if number in bad else apache_line(number)) + "\n")


def make_streamer(tmp_path, kafka, batch_size=10, after_ack=None, sources=None):
    sources = sources or [Source("web", tmp_path / "access.log", "apache")]
    settings = StreamerSettings(batch_size=batch_size, batch_timeout_s=0.05, rotate_grace_s=0.0)
    return Streamer(sources, kafka, CheckpointStore(tmp_path / "cp.json"), settings, warn=lambda m: None,
                    after_ack=after_ack)


def started(tmp_path, kafka, **options):
    streamer = make_streamer(tmp_path, kafka, **options)
    streamer.start()
    return streamer


def run_until_crash(streamer, kafka, after_records=None):
    """Drain until the simulated kill -9 (after `after_records` more records reach Kafka, if given)."""
    kafka.crash_after_records = after_records
    with pytest.raises(SimulatedCrash):
        drain(streamer)
    kafka.crash_after_records = None


def drain(streamer, rounds=200):
    """Run to quiescence, then deliver what is left (a clean stop)."""
    for _ in range(rounds):
        if not streamer.step():
            break
    streamer.deliver()


def assert_exactly_once(kafka, expected_count):
    ids = [record.record_id for record in kafka.all_records()]
    assert len(ids) == expected_count
    assert len(set(ids)) == expected_count


def crash_at_batch(number):
    def hook(batches):
        if batches == number:
            raise SimulatedCrash
    return hook


def test_clean_run_sends_every_line_once(tmp_path):
    append(tmp_path / "access.log", range(95), bad={7, 50})
    kafka = FakeKafka()
    streamer = started(tmp_path, kafka)
    drain(streamer)
    assert_exactly_once(kafka, 95)
    assert len(kafka.log["app-logs-dlq"]) == 2
    dead = kafka.log["app-logs-dlq"][0].value
    assert dead["line_number"] == 8 and dead["raw_line"] == "not a log line 7" and dead["reason"]


def append_with_blanks(path, numbers, blank_after=(), blank=""):
    """Log lines, with a blank line (empty, or `blank` such as spaces or a CR) after each number in blank_after."""
    with open(path, "a", newline="") as handle:
        for number in numbers:
            handle.write(apache_line(number) + "\n")
            if number in blank_after:
                handle.write(blank + "\n")


@pytest.mark.parametrize("blank", ["", "   ", "\t", "\r"])
def test_blank_lines_are_skipped_and_counted_never_dead_lettered(tmp_path, blank):
    log = tmp_path / "access.log"
    with open(log, "w") as handle:
        handle.write(blank + "\n")  # a blank first line too
    append_with_blanks(log, range(40), blank_after={9, 10, 39}, blank=blank)
    kafka = FakeKafka()
    streamer = started(tmp_path, kafka)
    drain(streamer)
    assert_exactly_once(kafka, 40)
    assert kafka.log["app-logs-dlq"] == []
    stats = streamer.stats
    assert (stats.lines_read, stats.blank_skipped, stats.records_sent, stats.dead_lettered) == (44, 4, 40, 0)
    # Line numbers are the file's own: a blank line still counts as a line of the file.
    assert [r.value["line_number"] for r in kafka.log["app-logs"]][:12] == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15]


def test_blank_lines_across_a_crash_and_resume(tmp_path):
    """Blank lines move the checkpoint like any other line: a resume neither resends nor re-counts."""
    log = tmp_path / "access.log"
    append_with_blanks(log, range(30), blank_after=set(range(0, 30, 3)))
    kafka = FakeKafka()
    first = started(tmp_path, kafka)
    for _ in range(4):  # batches acknowledged and checkpointed, blank lines among their lines
        first.step()
    assert first.stats.blank_skipped > 0 and first.stats.batches > 0
    run_until_crash(first, kafka, 4)
    append_with_blanks(log, range(30, 40), blank_after={35})
    second = started(tmp_path, kafka)
    drain(second)
    assert_exactly_once(kafka, 40)
    assert kafka.log["app-logs-dlq"] == []
    assert second.stats.skipped == 4
    # The second run read only the lines after the checkpoint: the blanks among them, not the 11 of the file.
    assert 0 < second.stats.blank_skipped < 11


def test_the_statistics_table_counts_blank_lines():
    import io

    from rich.console import Console

    from streamlab.streamer.stats import StatsReporter, StreamStats

    out = io.StringIO()
    StatsReporter(Console(file=out, width=200), clock=lambda: 10.0).report(StreamStats(lines_read=12, records_sent=9, blank_skipped=3))
    row = next(line for line in out.getvalue().splitlines() if "blank lines skipped" in line)
    assert [cell.strip() for cell in row.strip("│ ").split("│")] == ["blank lines skipped", "3"]


@pytest.mark.parametrize("lag", [False, True], ids=["acked-at-once", "acked-later"])
@pytest.mark.parametrize("crash_after_records", [0, 3, 9])
def test_crash_mid_batch_then_resume(tmp_path, crash_after_records, lag):
    append(tmp_path / "access.log", range(60))
    kafka = FakeKafka()
    kafka.lag = lag
    first = started(tmp_path, kafka)
    for _ in range(2):  # two full batches acknowledged and checkpointed
        first.step()
    run_until_crash(first, kafka, crash_after_records)
    append(tmp_path / "access.log", range(60, 80))
    second = started(tmp_path, kafka)
    drain(second)
    assert_exactly_once(kafka, 80)
    assert second.stats.skipped == crash_after_records


@pytest.mark.parametrize("lag", [False, True], ids=["acked-at-once", "acked-later"])
def test_crash_between_acknowledgement_and_checkpoint(tmp_path, lag):
    """The window a file checkpoint alone cannot close: the batch is in Kafka, the checkpoint is old."""
    append(tmp_path / "access.log", range(50))
    kafka = FakeKafka()
    kafka.lag = lag

    first = started(tmp_path, kafka, after_ack=crash_at_batch(3))
    run_until_crash(first, kafka)
    assert len(kafka.all_records()) == 30
    second = started(tmp_path, kafka)
    drain(second)
    assert_exactly_once(kafka, 50)
    assert second.stats.skipped == 10


def test_second_crash_during_replay_still_finds_earlier_records(tmp_path):
    """A checkpoint written while known records are still ahead of the replay keeps the old offsets."""
    web, other = tmp_path / "access.log", tmp_path / "other.log"
    append(web, range(30))
    append(other, range(30))
    sources = [Source("web", web, "apache"), Source("other", other, "apache")]
    kafka = FakeKafka()
    first = started(tmp_path, kafka, batch_size=20, sources=sources)
    run_until_crash(first, kafka, 15)
    # Replays 5 web lines per step: its first checkpoint (after one batch of "other") is taken
    # while web lines 5-14 are still ahead; it then dies before its second checkpoint.
    second = started(tmp_path, kafka, batch_size=5, sources=sources, after_ack=crash_at_batch(2))
    run_until_crash(second, kafka)
    third = started(tmp_path, kafka, batch_size=7, sources=sources)
    drain(third)
    assert_exactly_once(kafka, 60)


def test_lines_skipped_while_a_batch_travels_keep_the_old_offsets_in_its_checkpoint(tmp_path):
    """Replayed lines passed while a batch is in flight are ahead of that batch's checkpoint."""
    web, other = tmp_path / "access.log", tmp_path / "other.log"
    append(web, range(30))
    other.touch()
    kafka = FakeKafka()
    kafka.lag = True
    first = started(tmp_path, kafka, sources=[Source("web", web, "apache"), Source("other", other, "apache")])
    run_until_crash(first, kafka, 15)  # web lines 10-14 reach Kafka after the checkpoint at line 10
    append(other, range(100, 110))
    sources = [Source("other", other, "apache"), Source("web", web, "apache")]
    # Five "other" lines are sent, then web lines 10-14 are skipped while they travel; the run
    # dies after their checkpoint, which must still send the next run back to web line 10's offsets.
    second = started(tmp_path, kafka, batch_size=5, sources=sources, after_ack=crash_at_batch(2))
    run_until_crash(second, kafka)
    assert second.stats.skipped == 5
    third = started(tmp_path, kafka, sources=sources)
    drain(third)
    assert_exactly_once(kafka, 40)


def test_rotation_while_streaming_loses_nothing(tmp_path):
    log = tmp_path / "access.log"
    append(log, range(25))
    kafka = FakeKafka()
    streamer = started(tmp_path, kafka)
    streamer.step()
    append(log, range(25, 30))  # written just before the rename, not yet read
    os.rename(log, tmp_path / "access.log.1")
    append(log, range(30, 45))
    drain(streamer)
    assert_exactly_once(kafka, 45)
    numbers = sorted(record.value["response_size"] for record in kafka.log["app-logs"])
    assert numbers == list(range(45))


def test_rotation_while_stopped_finishes_the_renamed_file(tmp_path):
    log = tmp_path / "access.log"
    append(log, range(20))
    kafka = FakeKafka()
    first = started(tmp_path, kafka)
    first.step()  # one batch of 10 acknowledged
    run_until_crash(first, kafka, 0)
    append(log, range(20, 24))
    os.rename(log, tmp_path / "access.log.1")
    append(log, range(24, 30))
    second = started(tmp_path, kafka)
    drain(second)
    assert_exactly_once(kafka, 30)


def test_truncation_restarts_the_file_as_a_new_epoch(tmp_path):
    log = tmp_path / "access.log"
    append(log, range(12))
    kafka = FakeKafka()
    streamer = started(tmp_path, kafka)
    drain(streamer)
    with open(log, "w"):
        pass  # copytruncate
    append(log, range(100, 103))
    drain(streamer)
    assert_exactly_once(kafka, 15)
    epochs = {split_record_id(record.record_id)[1] for record in kafka.all_records()}
    assert epochs == {0, 1}


def test_partial_line_waits_for_its_newline(tmp_path):
    log = tmp_path / "access.log"
    append(log, range(3))
    with open(log, "a") as handle:
        handle.write(apache_line(3)[:20])
    kafka = FakeKafka()
    streamer = started(tmp_path, kafka)
    drain(streamer)
    assert len(kafka.all_records()) == 3
    with open(log, "a") as handle:
        handle.write(apache_line(3)[20:] + "\n")
    drain(streamer)
    assert_exactly_once(kafka, 4)
    assert kafka.log["app-logs"][-1].value["path"] == "/item/3"


def test_batches_by_size_and_by_timeout(tmp_path):
    append(tmp_path / "access.log", range(25))
    kafka = FakeKafka()
    clock = [0.0]
    streamer = Streamer([Source("web", tmp_path / "access.log", "apache")], kafka, CheckpointStore(tmp_path / "cp.json"),
                        StreamerSettings(batch_size=10, batch_timeout_s=5.0), clock=lambda: clock[0])
    streamer.start()
    for _ in range(5):
        streamer.step()
    assert len(kafka.all_records()) == 20 and streamer.stats.queue_depth == 5  # two full batches, 5 waiting
    clock[0] = 4.9
    streamer.step()
    assert len(kafka.all_records()) == 20
    clock[0] = 5.1
    streamer.step()
    assert len(kafka.all_records()) == 25 and streamer.stats.batches == 3


def test_checkpoints_at_most_every_interval_while_lines_keep_coming(tmp_path):
    """checkpoint_every_s: fewer durable writes; a crash re-reads more lines, all found in Kafka."""
    append(tmp_path / "access.log", range(60))
    kafka, clock = FakeKafka(), [0.0]
    store = CheckpointStore(tmp_path / "cp.json")
    settings = StreamerSettings(batch_size=10, batch_timeout_s=5.0, rotate_grace_s=0.0, checkpoint_every_s=1.0)
    first = Streamer([Source("web", tmp_path / "access.log", "apache")], kafka, store, settings,
                     warn=lambda m: None, note=lambda m: None, clock=lambda: clock[0])
    first.start()
    for _ in range(3):
        first.step()
    assert first.stats.batches == 2 and store.load().positions["web"].line_no == 0  # none due yet
    clock[0] = 1.0
    first.step()
    assert store.load().positions["web"].line_no == 30  # due: the third batch's
    run_until_crash(first, kafka, 3)
    second = started(tmp_path, kafka)
    drain(second)
    assert_exactly_once(kafka, 60)
    assert second.stats.skipped == 3


def test_a_pause_writes_the_checkpoint_that_was_not_due(tmp_path):
    append(tmp_path / "access.log", range(20))
    store = CheckpointStore(tmp_path / "cp.json")
    settings = StreamerSettings(batch_size=10, batch_timeout_s=5.0, checkpoint_every_s=60.0)
    streamer = Streamer([Source("web", tmp_path / "access.log", "apache")], FakeKafka(), store, settings,
                        warn=lambda m: None, note=lambda m: None, clock=lambda: 0.0)
    streamer.start()
    while streamer.step():
        pass
    assert store.load().positions["web"].line_no == 20


def test_two_sources_keep_their_own_keys_and_ids(tmp_path):
    web, app = tmp_path / "access.log", tmp_path / "app.log"
    append(web, range(5))
    app.write_text('{"timestamp": "2024-01-15T10:30:45Z", "level": "info", "message": "hi"}\n' * 4)
    kafka = FakeKafka()
    sources = [Source("web", web, "apache"), Source("app", app, "application")]
    streamer = started(tmp_path, kafka, sources=sources)
    drain(streamer)
    assert_exactly_once(kafka, 9)
    assert {record.key for record in kafka.all_records()} == {"web", "app"}
    assert streamer.stats.sent_by_type == {"apache_access": 5, "application": 4}


def test_run_stops_cleanly_and_delivers_the_rest(tmp_path):
    append(tmp_path / "access.log", range(7))
    kafka = FakeKafka()
    streamer = make_streamer(tmp_path, kafka, batch_size=100)
    stats = streamer.run(threading.Event(), idle_sleep_s=0.01, exit_when_idle_s=0.1)
    assert stats.records_sent == 7
    assert_exactly_once(kafka, 7)


# --- what the streamer tells the student (issue 10) ---------------------------------------------

def test_final_statistics_show_an_empty_queue(tmp_path):
    append(tmp_path / "access.log", range(7))
    streamer = make_streamer(tmp_path, FakeKafka(), batch_size=5)
    stats = streamer.run(threading.Event(), idle_sleep_s=0.01, exit_when_idle_s=0.1)
    assert stats.records_sent == 7 and stats.queue_depth == 0  # not the 2 left before the final delivery


def test_a_restart_says_where_it_resumes(tmp_path):
    append(tmp_path / "access.log", range(30))
    kafka, notes = FakeKafka(), []
    sources = [Source("web", tmp_path / "access.log", "apache")]
    settings = StreamerSettings(batch_size=10, batch_timeout_s=0.05, rotate_grace_s=0.0)

    def streamer(**options):
        return Streamer(sources, kafka, CheckpointStore(tmp_path / "cp.json"), settings, warn=lambda m: None,
                        note=notes.append, **options)

    first = streamer(after_ack=crash_at_batch(2))
    first.start()
    assert notes == [f"no checkpoint at {tmp_path / 'cp.json'} yet: reading every file from its start"]
    with pytest.raises(SimulatedCrash):
        drain(first)
    streamer().start()
    byte = sum(len(apache_line(n)) + 1 for n in range(10))
    assert notes[-1] == (f"resuming from checkpoint {tmp_path / 'cp.json'}: web at line 11 (byte {byte:,}); "
                         "10 line(s) after it already in Kafka will be skipped")


def test_a_status_line_every_interval_and_the_table_when_asked():
    import io

    from rich.console import Console

    from streamlab.streamer.stats import StatsReporter, StreamStats

    out, now = io.StringIO(), [0.0]
    reporter = StatsReporter(Console(file=out, width=200), interval_s=10, clock=lambda: now[0])
    stats = StreamStats(lines_read=120, records_sent=100, dead_lettered=2, queue_depth=18)
    now[0] = 9.0
    reporter.maybe_report(stats)
    assert out.getvalue() == ""
    now[0] = 10.0
    reporter.maybe_report(stats)
    assert out.getvalue() == ("10s  read 120 (12.0/s)  sent 100 (10.2/s)  dead-lettered 2  skipped 0  queue 18\n")
    reporter.request_table()  # what SIGUSR1 does
    reporter.maybe_report(stats)
    assert "streaming statistics" in out.getvalue() and "queue depth" in out.getvalue()
    assert len(out.getvalue().splitlines()) > 8


def test_the_final_table_rates_cover_the_whole_run():
    import io

    from rich.console import Console

    from streamlab.streamer.stats import StatsReporter, StreamStats

    out, now = io.StringIO(), [0.0]
    reporter = StatsReporter(Console(file=out, width=200), interval_s=10, clock=lambda: now[0])
    now[0] = 10.0
    reporter.maybe_report(StreamStats(lines_read=100))
    now[0] = 20.0
    reporter.final(StreamStats(lines_read=100, records_sent=100))
    assert "final statistics (20s)" in out.getvalue() and "5.0 lines/s" in out.getvalue()  # not 0.0 since the last line
