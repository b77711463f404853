"""1-minute tumbling windows per log type: boundaries, lateness, distinct IPs, mean sizes."""

from __future__ import annotations

import pytest

from streamlab.labs.windowing import TumblingWindows, event_time


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
                       "log_type": "apache_access", "event_count": 2, "unique_ips": 2, "avg_response_size": 200.0}]


def test_event_exactly_on_a_boundary_opens_the_next_window():
    windows = TumblingWindows(60, allowed_lateness_s=0)
    windows.add(web("2024-01-15T10:00:30+00:00"))
    closed = windows.add(web("2024-01-15T10:01:00+00:00"))
    assert [w["window_start"] for w in closed] == ["2024-01-15T10:00:00+00:00"]
    assert [w["window_start"] for w in windows.flush()] == ["2024-01-15T10:01:00+00:00"]


def test_log_types_are_counted_separately_and_application_logs_have_no_size():
    windows = TumblingWindows(60, allowed_lateness_s=0)
    windows.add(web("2024-01-15T10:00:01Z", "1.1.1.1", 10))
    windows.add(web("2024-01-15T10:00:02Z", "1.1.1.1", 30, log_type="nginx_access"))
    windows.add(app("2024-01-15T10:00:03Z"))
    windows.add(app("2024-01-15T10:00:04Z"))
    results = {w["log_type"]: w for w in windows.flush()}
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
    assert [w["event_count"] for w in windows.flush()] == [1]


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
    (window,) = windows.flush()
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
