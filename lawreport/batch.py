"""Building many department-years: selection, progress and the summary."""

from __future__ import annotations

import os
import re
import sys

from .exceptions import InputError, LawReportError
from .load import data_files

__all__ = ["select", "build_many"]


def select(data_dir, orgs=None, years=None):
    """``[(org, year)]`` under ``data_dir``, filtered by ``orgs`` and ``years``."""
    if not os.path.isdir(data_dir):
        raise InputError(f"data folder not found: {data_dir} (give --data DIR)")
    out = []
    for path in data_files(data_dir):
        org = os.path.basename(os.path.dirname(path))
        year = int(re.match(r"\d{4}", os.path.basename(path)).group(0))
        if (not orgs or org in orgs) and (not years or year in years):
            out.append((org, year))
    if not out:
        what = " ".join([*(orgs or []), *map(str, years or [])]) or "any department-year"
        raise InputError(f"no data for {what} under {data_dir} (expected <org>/<year>.yaml)")
    return out


def build_many(data_dir, out_dir, *, orgs=None, years=None, notebooks_dir=None,
               catalog_files=(), timeout=600, echo=None):
    """Build every selected department-year; print where each report is.

    Returns the exit code: 0 all built; for a single department-year its
    error's code (2 invalid input, 1 failure while running); for several, 1 if
    any failed.
    """
    from .pipeline import build

    echo = echo or (lambda msg: print(msg, file=sys.stderr))
    targets = select(data_dir, orgs, years)
    built, failed = [], []
    for org, year in targets:
        try:
            r = build(data_dir, org, year, out_dir, notebooks_dir=notebooks_dir,
                      catalog_files=catalog_files, timeout=timeout, log=echo)
        except LawReportError as exc:
            if len(targets) == 1:
                raise
            failed.append((org, year, exc))
            echo(f"{org} {year}: FAILED: {exc}")
            continue
        built.append(r)
        note = f" ({len(r.warnings)} data-check warning(s), see its 数据核验 section)" \
            if r.warnings else ""
        print(f"report: {os.path.relpath(r.report)}{note}")
    if len(targets) > 1:
        echo(f"{len(built)} built, {len(failed)} failed")
        for org, year, exc in failed:
            echo(f"  {org} {year}: {str(exc).splitlines()[0]}")
    return 1 if failed else 0
