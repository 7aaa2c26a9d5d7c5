"""Progress display for the benchmark run (rich), and a silent stand-in for tests."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)


class Ui:
    """One line per step with a bar when the total is known; ``log`` prints above it."""

    def __init__(self, console: Console | None = None, quiet: bool = False) -> None:
        self.console = console or Console(stderr=True)
        self.quiet = quiet
        self.progress = Progress(
            SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
            MofNCompleteColumn(), TimeElapsedColumn(), console=self.console,
            disable=quiet, transient=False,
        )

    def __enter__(self) -> Ui:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def log(self, message: str) -> None:
        """A line above the bars (kept in the scrollback)."""
        if not self.quiet:
            self.progress.console.log(message)

    def task(self, description: str, total: float | None = None) -> Any:
        """Start a progress line; returns its id for ``update``/``done``."""
        return self.progress.add_task(description, total=total)

    def update(self, task: Any, **fields: Any) -> None:
        """Move a progress line (``completed=``, ``total=``, ``description=``)."""
        self.progress.update(task, **fields)

    def done(self, task: Any, description: str | None = None) -> None:
        """Mark a line finished (filled bar), optionally with a closing description."""
        total = self.progress.tasks[self._index(task)].total
        fields: dict[str, Any] = {"completed": total if total is not None else 1}
        if total is None:
            fields["total"] = 1
        if description:
            fields["description"] = description
        self.progress.update(task, **fields)

    def _index(self, task: Any) -> int:
        return next(i for i, t in enumerate(self.progress.tasks) if t.id == task)
