"""1-minute tumbling windows per log type: boundaries, lateness, distinct IPs, mean sizes; rows that
replace each other under one key per window, across idle rows, late events and restarts."""

from __future__ import annotations

import itertools
import random

import pytest

from streamlab.labs.windowing import TumblingWindows, event_time, row_key


def web(stamp: str, ip: str = "1.1.1.1", size: int = 100, log_type: str = "apache_access") -> dict:
    return {"timestamp": stamp, "ip_address": ip, "response_size": size, "log_type": log_type}


def app(stamp: str) -> dict:
    return {"timestamp": stamp, "level": "INFO", "message": "m", "log_type": "application"}


def test_window_closes_once_the_watermark_passes_end_plus_lateness():
    windows = TumblingWindows(60, allowed_lateness_s=10)
    assert windows.add(web("2024-01-15T10:00:00+00:00", "1.1.1.1", 100)) == []
    assert windows.add(web("2024-01-15T10:00:59.999+00:00", "2.2.2.2", 300)) == []
    assert windows.add(web("2024-01-15T10:01:09+00:00", "1.1.1.1", 50)) == []  # 10:01:09 < 10:01:10
    closed = windows.add(web("2024-01-15T10:01:10+00:00"))
    assert closed == [{"window_start": "2024-01-15T10:00:00+00:00", "window_end": "2024-01-15T10:01:00+00:00",
                       "log_type": "apache_access", "event_count": 2, "unique_ips": 2, "avg_response_size": 200.0,
                       "final": True}]


def test_event_exactly_on_a_boundary_opens_the_next_window():
    windows = TumblingWindows(60, allowed_lateness_s=0)
    windows.add(web("2024-01-15T10:00:30+00:00"))
    closed = windows.add(web("2024-01-15T10:01:00+00:00"))
    assert [w["window_start"] for w in closed] == ["2024-01-15T10:00:00+00:00"]
    assert [w["window_start"] for w in windows.provisional()] == ["2024-01-15T10:01:00+00:00"]


def test_log_types_are_counted_separately_and_application_logs_have_no_size():
    windows = TumblingWindows(60, allowed_lateness_s=0)
    windows.add(web("2024-01-15T10:00:01Z", "1.1.1.1", 10))
    windows.add(web("2024-01-15T10:00:02Z", "1.1.1.1", 30, log_type="nginx_access"))
    windows.add(app("2024-01-15T10:00:03Z"))
    windows.add(app("2024-01-15T10:00:04Z"))
    results = {w["log_type"]: w for w in windows.provisional()}
    assert results["apache_access"]["avg_response_size"] == 10
    assert results["nginx_access"]["event_count"] == 1
    assert results["application"] == {**results["application"], "event_count": 2, "unique_ips": 0,
                                      "avg_response_size": None}


def test_late_event_within_lateness_still_counts():
    windows = TumblingWindows(60, allowed_lateness_s=30)
    windows.add(web("2024-01-15T10:00:10Z"))
    windows.add(web("2024-01-15T10:01:20Z"))  # watermark 10:01:20 < 10:01:30: first window still open
    windows.add(web("2024-01-15T10:00:50Z"))  # late but allowed
    closed = windows.add(web("2024-01-15T10:01:31Z"))
    assert closed[0]["event_count"] == 2 and windows.late_events == 0


def test_too_late_event_is_left_out_and_counted():
    windows = TumblingWindows(60, allowed_lateness_s=5)
    windows.add(web("2024-01-15T10:00:10Z"))
    windows.add(web("2024-01-15T10:02:00Z"))  # closes 10:00
    assert windows.add(web("2024-01-15T10:00:20Z")) == []
    assert windows.late_events == 1
    assert [w["event_count"] for w in windows.provisional()] == [1]


def test_one_event_can_close_several_windows_oldest_first():
    windows = TumblingWindows(60, allowed_lateness_s=60)
    windows.add(web("2024-01-15T10:00:00Z", log_type="nginx_access"))
    windows.add(web("2024-01-15T10:00:00Z"))
    windows.add(web("2024-01-15T10:01:00Z"))
    closed = windows.add(web("2024-01-15T10:05:00Z"))
    assert [(w["window_start"][11:16], w["log_type"]) for w in closed] == [
        ("10:00", "apache_access"), ("10:00", "nginx_access"), ("10:01", "apache_access")]
    assert windows.open_windows == 1


def test_time_zones_are_compared_in_utc():
    windows = TumblingWindows(60, allowed_lateness_s=0)
    windows.add(web("2024-01-15T19:00:30+09:00"))
    windows.add(web("2024-01-15T10:00:40+00:00"))
    (window,) = windows.provisional()
    assert window["event_count"] == 2 and window["window_start"] == "2024-01-15T10:00:00+00:00"


@pytest.mark.parametrize("record, problem", [({"log_type": "x"}, "no timestamp"),
                                             ({"timestamp": "2024-01-15T10:00:00Z"}, "no log_type"),
                                             ({"timestamp": "soon", "log_type": "x"}, "isoformat")])
def test_malformed_records_raise_value_error(record, problem):
    with pytest.raises(ValueError, match=problem):
        TumblingWindows().add(record)


def test_event_time_accepts_z_and_naive():
    assert event_time({"timestamp": "1970-01-01T00:01:00Z"}) == 60
    assert event_time({"timestamp": "1970-01-01T00:01:00"}) == 60


# -- one key per (type, window); each row replaces the last (issue 11, item 3) ----------------------
def latest_per_key(rows: list[dict]) -> dict[str, dict]:
    """What a reader of log-stats keeps: the last row under each key."""
    return {row_key(row): row for row in rows}


def test_rows_are_keyed_by_type_and_window():
    windows = TumblingWindows(60, allowed_lateness_s=0)
    windows.add(web("2024-01-15T10:00:01Z"))
    windows.add(web("2024-01-15T10:00:02Z", log_type="nginx_access"))
    assert sorted(map(row_key, windows.provisional())) == ["apache_access|2024-01-15T10:00:00+00:00",
                                                           "nginx_access|2024-01-15T10:00:00+00:00"]


def test_a_row_while_the_input_is_quiet_keeps_the_window_open_and_the_next_row_replaces_it():
    windows = TumblingWindows(60, allowed_lateness_s=10)
    windows.add(web("2024-01-15T10:00:01Z", "1.1.1.1", 100))
    (early,) = windows.provisional()  # the input went quiet for --idle-close
    assert early["final"] is False and early["event_count"] == 1
    windows.add(web("2024-01-15T10:00:40Z", "2.2.2.2", 300))  # the same window, in time
    (closed,) = windows.add(web("2024-01-15T10:01:30Z"))
    assert row_key(closed) == row_key(early)
    assert (closed["event_count"], closed["unique_ips"], closed["avg_response_size"], closed["final"]) == (2, 2, 200.0, True)


def test_a_late_event_within_lateness_after_a_quiet_row_updates_the_window():
    windows = TumblingWindows(60, allowed_lateness_s=30)
    windows.add(web("2024-01-15T10:00:10Z"))
    windows.add(web("2024-01-15T10:01:05Z"))
    windows.provisional()
    windows.add(web("2024-01-15T10:00:55Z"))  # late, within 30 s
    rows = windows.provisional()
    assert [(row["window_start"][11:16], row["event_count"]) for row in rows] == [("10:00", 2)]


def test_an_event_after_the_window_closed_makes_no_row():
    windows = TumblingWindows(60, allowed_lateness_s=5)
    windows.add(web("2024-01-15T10:00:10Z"))
    windows.add(web("2024-01-15T10:01:30Z"))  # closes 10:00
    assert windows.add(web("2024-01-15T10:00:20Z")) == []
    assert [row["window_start"][11:16] for row in windows.provisional()] == ["10:01"]
    assert windows.late_events == 1


def test_quiet_rows_repeat_only_windows_that_changed():
    windows = TumblingWindows(60, allowed_lateness_s=10)
    windows.add(web("2024-01-15T10:00:01Z"))
    windows.add(web("2024-01-15T10:00:01Z", log_type="nginx_access"))
    assert len(windows.provisional()) == 2
    assert windows.provisional() == []
    windows.add(web("2024-01-15T10:00:02Z"))
    assert [row["log_type"] for row in windows.provisional()] == ["apache_access"]


def stream(seed: int, partitions: int = 3, events: int = 120) -> list[tuple[int, int, dict]]:
    """(partition, offset, record) in arrival order: event times that wander up to 20 s back."""
    rng, offsets, out = random.Random(seed), [0] * partitions, []
    for n in range(events):
        partition = rng.randrange(partitions)
        second = max(0, n * 2 - rng.randrange(20))
        stamp = f"2024-01-15T10:{second // 60:02d}:{second % 60:02d}Z"
        log_type = rng.choice(["apache_access", "nginx_access", "application"])
        out.append((partition, offsets[partition], web(stamp, f"10.0.0.{rng.randrange(9)}", rng.randrange(500), log_type)))
        offsets[partition] += 1
    return out


def run_windows(events, windows: TumblingWindows, rows: list[dict], positions: dict[int, int]) -> None:
    """Feed `events`, quiet rows every 7 events as the idle timer would, and track next offsets."""
    for number, (partition, offset, record) in enumerate(events):
        rows += windows.add(record, (partition, offset))
        positions[partition] = offset + 1
        if number % 7 == 6:
            rows += windows.provisional()


def run_with_crash(events, crash_at: int, commit_every: int) -> list[dict]:
    """One aggregator that commits every `commit_every` events and dies after `crash_at` of them,
    then a new one that resumes from the commit, as the processor does with its group."""
    first, rows, positions, commit = TumblingWindows(60, 10), [], {}, ({}, -float("inf"))
    for start in range(0, crash_at, commit_every):
        run_windows(events[start:min(start + commit_every, crash_at)], first, rows, positions)
        if start + commit_every <= crash_at:
            commit = (first.resume_offsets(positions), first.watermark)
    resume, watermark = commit
    second = TumblingWindows(60, 10, watermark=watermark)
    replay = [(p, o, record) for p, o, record in events if o >= resume.get(p, 0)]
    run_windows(replay, second, rows, {})
    return rows + second.provisional()


@pytest.mark.parametrize("seed", range(4))
def test_a_restart_at_any_point_leaves_every_window_as_an_uninterrupted_run_would(seed):
    events = stream(seed)
    expected = run_with_crash(events, crash_at=0, commit_every=10)  # no crash: one run over everything
    truth = latest_per_key(expected)
    for crash_at, commit_every in itertools.product(range(0, len(events) + 1, 5), (1, 4, 10)):
        rows = run_with_crash(events, crash_at, commit_every)
        assert latest_per_key(rows) == truth, (crash_at, commit_every)
        finals = [row for row in rows if row["final"]]
        assert all(row == truth[row_key(row)] for row in finals), "a final row that differs from the truth"


def test_resume_offsets_are_the_lowest_offset_an_open_window_holds():
    windows = TumblingWindows(60, allowed_lateness_s=10)
    windows.add(web("2024-01-15T10:00:01Z"), (0, 5))
    windows.add(web("2024-01-15T10:01:20Z"), (1, 3))  # closes 10:00: partition 0 holds nothing open
    windows.add(web("2024-01-15T10:01:21Z"), (0, 6))
    windows.add(web("2024-01-15T10:01:22Z"), (1, 4))
    assert windows.resume_offsets({0: 7, 1: 5, 2: 9}) == {0: 6, 1: 3, 2: 9}
