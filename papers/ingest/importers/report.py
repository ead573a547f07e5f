"""What an import did: counts, skipped entries with their reasons, progress."""

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

EXAMPLES_PER_REASON = 5


class ImportFailed(Exception):
    """The input as a whole cannot be imported (not well-formed, an error feed...).

    Raised inside the run's transaction, so nothing is written.
    """


@dataclass(frozen=True)
class Skip:
    """An entry that cannot be imported, with why and where."""

    reason: str
    where: str


@dataclass
class ImportReport:
    source: str
    dry_run: bool = False
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    reasons: Counter = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    warnings: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    created_ids: list[int] = field(default_factory=list)
    updated_ids: list[int] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    progress: Callable[["ImportReport"], None] | None = field(default=None, repr=False)

    def skip(self, reason: str, where: str) -> None:
        self.skipped += 1
        self.reasons[reason] += 1
        examples = self.examples.setdefault(reason, [])
        if len(examples) < EXAMPLES_PER_REASON:
            examples.append(where)

    def warn(self, message: str) -> None:
        """Something imported without a value the source gave in an unusable form."""
        self.warnings[message] += 1

    def count(self, outcome: str, paper_id: int) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)
        if outcome == "created":
            self.created_ids.append(paper_id)
        elif outcome == "updated":
            self.updated_ids.append(paper_id)

    def tick(self) -> None:
        if self.progress:
            self.progress(self)

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started

    @property
    def rate(self) -> float:
        return self.read / self.seconds if self.seconds > 0 else 0.0

    def skipped_by_reason(self) -> list[tuple[str, int, list[str]]]:
        """``(reason, count, examples)``, the most frequent reason first."""
        return [(reason, n, self.examples[reason]) for reason, n in self.reasons.most_common()]

    def lines(self) -> list[str]:
        """The summary, one line each, as the command prints it and the admin shows it."""
        lines = [
            f"{self.source}{' (dry run: nothing was written)' if self.dry_run else ''}: "
            f"{self.read} read in {self.seconds:.1f} s",
            f"created: {self.created}",
            f"updated: {self.updated}",
            f"unchanged: {self.unchanged}",
            f"skipped: {self.skipped}",
        ]
        for reason, n, examples in self.skipped_by_reason():
            lines.append(f"  {n} × {reason}: {', '.join(examples)}")
        for message, n in self.warnings.most_common():
            lines.append(f"warning: {n} × {message}")
        lines.extend(f"note: {note}" for note in self.notes)
        return lines
