"""What a check says: criteria met or missed, each miss with the command or setting that fixes it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Criterion:
    name: str
    ok: bool
    detail: str = ""  # what was observed
    fix: str = ""  # for a miss: what is wrong and what to run or set


def met(name: str, detail: str = "") -> Criterion:
    return Criterion(name, True, detail)


def missed(name: str, detail: str, fix: str) -> Criterion:
    return Criterion(name, False, detail, fix)


def judged(name: str, ok: bool, detail: str, fix: str) -> Criterion:
    return Criterion(name, ok, detail, "" if ok else fix)


@dataclass
class LabReport:
    lab: str
    seed: str
    criteria: list[Criterion] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return bool(self.criteria) and all(c.ok for c in self.criteria)

    def as_json(self) -> dict:
        return {"lab": self.lab, "seed": self.seed, "done": self.done, "criteria": [asdict(c) for c in self.criteria]}
