"""Errors raised by lawreport.

Every error lawreport raises on purpose derives from one root, so a caller can
catch them all with ``except LawReportError``::

    LawReportError                  root; ``exit_code`` is what the CLI returns
    ├── InputError                  bad input or usage (exit code 2)
    │   ├── DataValidationError     a data file has errors; ``findings`` lists them
    │   └── CatalogError            a catalogue or outline file is unusable
    └── BuildError                  a failure while running (exit code 1)
        ├── PartExecutionError      a part notebook raised; names part, notebook, cell
        ├── PartTimeoutError        a part notebook cell ran past the timeout
        └── BuildLockedError        another build of the same report is running

All of them are picklable (they cross process boundaries in batch builds).
"""

from __future__ import annotations

__all__ = [
    "LawReportError",
    "InputError",
    "DataValidationError",
    "CatalogError",
    "BuildError",
    "PartExecutionError",
    "PartTimeoutError",
    "BuildLockedError",
]


class LawReportError(Exception):
    """Root of every lawreport error."""

    exit_code = 1


class InputError(LawReportError):
    """Invalid input or usage: the user must change a file or an argument."""

    exit_code = 2


class DataValidationError(InputError):
    """A data file failed validation.

    Parameters
    ----------
    findings : list of lawreport.validate.Finding
        Every problem found, errors and warnings.
    """

    def __init__(self, findings):
        self.findings = list(findings)
        errors = [f for f in self.findings if f.level == "error"]
        super().__init__(f"{len(errors)} error(s) in the data")

    def __reduce__(self):
        return (type(self), (self.findings,))

    def __str__(self):
        return "\n".join(f.format() for f in self.findings if f.level == "error")


class CatalogError(InputError):
    """A catalogue or outline file cannot be used."""


class BuildError(LawReportError):
    """A failure while building a report."""

    exit_code = 1


class PartExecutionError(BuildError):
    """A part notebook raised an exception while executing.

    Parameters
    ----------
    part : str
        The part key (``measures``, ``plan``, ...).
    notebook : str
        Path of the executed notebook to open.
    cell : int or None
        Index (0-based) of the failing cell in that notebook.
    ename, evalue : str
        The exception's name and value inside the kernel.
    source : str
        The failing cell's source.
    """

    def __init__(self, part, notebook, cell, ename, evalue, source=""):
        self.part, self.notebook, self.cell = part, notebook, cell
        self.ename, self.evalue, self.source = ename, evalue, source
        super().__init__(part, notebook, cell, ename, evalue, source)

    def __str__(self):
        where = ""
        if self.cell is not None:
            first = (self.source or "").strip().splitlines()[:1]
            where = f" in cell {self.cell + 1}" + (f" ({first[0][:60]})" if first else "")
        return (
            f"part '{self.part}' failed{where}: {self.ename}: {self.evalue}\n"
            f"  open the executed notebook to see the failing cell: {self.notebook}"
        )


class PartTimeoutError(BuildError):
    """A cell of a part notebook ran longer than the configured timeout."""

    def __init__(self, part, notebook, timeout):
        self.part, self.notebook, self.timeout = part, notebook, timeout
        super().__init__(part, notebook, timeout)

    def __str__(self):
        return (
            f"part '{self.part}' was stopped: a cell ran longer than {self.timeout} s "
            f"(raise it with --timeout)\n  executed notebook: {self.notebook}"
        )


class BuildLockedError(BuildError):
    """Another build of the same department-year holds the lock."""
