"""What a fetch run did: the import counts, plus what failed and why."""

import datetime as dt
import time
from collections import Counter
from dataclasses import dataclass, field

from papers.ingest.importers.report import EXAMPLES_PER_REASON, ImportReport


@dataclass
class FetchReport(ImportReport):
    failed: int = 0
    failures: Counter = field(default_factory=Counter)
    failure_examples: dict[str, list[str]] = field(default_factory=dict)
    stopped: str = ""  # why the run stopped early (a rate limit), if it did
    resume_at: dt.datetime | None = None  # when a stopped run may go on
    ended: float | None = None  # time.monotonic() when the run ended (``finish``)

    def finish(self) -> "FetchReport":
        """Stop the clock: the summary then says how long the run took, not how long
        ago it started (``ingest_daily`` prints every step's at the end)."""
        self.ended = time.monotonic()
        return self

    @property
    def seconds(self) -> float:
        return (self.ended or time.monotonic()) - self.started

    def fail(self, reason: str, where: str = "", *, count: int = 1) -> None:
        """``count`` items (a paper, a repository, a batch's papers) failed for ``reason``."""
        self.failed += count
        self.failures[reason] += count
        examples = self.failure_examples.setdefault(reason, [])
        if where and len(examples) < EXAMPLES_PER_REASON:
            examples.append(where)

    def merge(self, other: ImportReport) -> None:
        """Add a finished batch's counts (a batch is counted only once written)."""
        for name in ("read", "created", "updated", "unchanged", "skipped"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.reasons.update(other.reasons)
        for reason, examples in other.examples.items():
            mine = self.examples.setdefault(reason, [])
            mine.extend(examples[: EXAMPLES_PER_REASON - len(mine)])
        self.warnings.update(other.warnings)
        self.created_ids.extend(other.created_ids)
        self.updated_ids.extend(other.updated_ids)

    def lines(self) -> list[str]:
        lines = super().lines()
        at = next(i for i, line in enumerate(lines) if line.startswith("skipped:")) + 1
        while at < len(lines) and lines[at].startswith("  "):
            at += 1
        failed = [f"failed: {self.failed}"]
        for reason, n in self.failures.most_common():
            examples = self.failure_examples.get(reason)
            failed.append(f"  {n} × {reason}{': ' + ', '.join(examples) if examples else ''}")
        if self.stopped:
            failed.append(f"stopped: {self.stopped}")
        return lines[:at] + failed + lines[at:]

    def as_dict(self) -> dict:
        """The summary as a task's return value (JSON)."""
        return {
            "source": self.source,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "failed": self.failed,
            "failures": dict(self.failures),
            "stopped": self.stopped,
            "resume_at": self.resume_at.isoformat() if self.resume_at else None,
            "lines": self.lines(),
        }
