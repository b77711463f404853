"""Which streams the gateway accepts: existing, non-internal topics.

Like a Kinesis stream, a stream must exist first (lab.yaml's gateway streams are created by
`make up`, others with `streamlab topics create`): a typo in the URL is a 404 naming the stream, not
a new topic. The lab's broker does not auto-create topics either, but a broker configured to would
make one on the first write without this check.
"""

from __future__ import annotations

import threading
import time
from typing import Callable, Iterable

from kafka.errors import KafkaError

from ..clients.kafka_client import make_admin
from ..errors import LabError
from ..topology import invalid_topic_reason
from .errors import GatewayError, kafka_unavailable

REFRESH_ON_MISS_S = 1.0  # a new topic is seen within a second; unknown names cannot hammer the broker
REFRESH_ANYWAY_S = 30.0  # a deleted topic is forgotten within this long


def check_stream_name(stream: str) -> None:
    """400 for a name Kafka would refuse."""
    if reason := invalid_topic_reason(stream):
        raise GatewayError(400, "invalid_stream", f"{stream!r} is not a valid stream name: {reason}")


def broker_topics(bootstrap: str, wait_s: float) -> Callable[[], Iterable[str]]:
    """A function that lists the broker's topics with a fresh admin client (503 when Kafka does not answer)."""

    def list_topics() -> Iterable[str]:
        try:
            admin = make_admin(bootstrap, wait_s)
        except LabError:
            raise kafka_unavailable(bootstrap) from None
        try:
            return admin.list_topics()
        except (KafkaError, OSError):
            raise kafka_unavailable(bootstrap) from None
        finally:
            admin.close()

    return list_topics


class StreamCatalog:
    """Caches the topic list and refreshes it when a name is missing or the list is old."""

    def __init__(self, list_topics: Callable[[], Iterable[str]], clock: Callable[[], float] = time.monotonic):
        self._list_topics, self._clock = list_topics, clock
        self._known: set[str] = set()
        self._fetched = float("-inf")
        self._lock = threading.Lock()

    def refresh(self) -> None:
        names = set(self._list_topics())
        with self._lock:
            self._known, self._fetched = names, self._clock()

    def _lookup(self, stream: str) -> bool:
        age = self._clock() - self._fetched
        if age > REFRESH_ANYWAY_S or (stream not in self._known and age > REFRESH_ON_MISS_S):
            self.refresh()
        return stream in self._known

    def known_now(self, stream: str) -> bool:
        """True when the cached list says `stream` exists and is fresh: no broker call, no thread needed."""
        return not stream.startswith("_") and stream in self._known and self._clock() - self._fetched <= REFRESH_ANYWAY_S

    def require(self, stream: str) -> None:
        """404 for a topic that does not exist or is internal (offsets, Connect's state)."""
        if stream.startswith("_"):
            raise GatewayError(404, "unknown_stream", f"{stream!r} is an internal topic, not a stream")
        if not self._lookup(stream):
            raise GatewayError(404, "unknown_stream", f"stream {stream!r} does not exist; create it with `streamlab topics create {stream}`")
