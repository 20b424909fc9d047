"""Loading a department-year by folder, slug and year, with its catalogue."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from .catalog import load_catalog
from .exceptions import DataValidationError, InputError
from .validate import SLUG, validate_file

__all__ = ["check_slug", "data_path", "catalog_files_for", "load_year", "LoadedYear"]


@dataclass
class LoadedYear:
    """A validated department-year with what it is built from."""

    data: object  # YearData
    outline: object  # Outline
    catalog: object  # Catalog
    findings: list  # warnings
    history: dict = field(default_factory=dict)  # earlier year → YearData

    @property
    def previous(self):
        """The previous year's data, or None."""
        return self.history.get(self.data.year - 1)


def check_slug(org):
    """Refuse a department slug that is not lowercase ASCII letters, digits and '-'."""
    org = str(org)
    if not SLUG.fullmatch(org):
        raise InputError(f"invalid department slug '{org}': use lowercase ASCII letters, "
                         "digits and '-'")
    return org


def data_path(data_dir, org, year):
    """``<data_dir>/<org>/<year>.yaml`` (or ``.yml``, or the workbook ``.xlsx``),
    refusing unsafe slugs and a year given by two files."""
    org = check_slug(org)
    found = [p for ext in ("yaml", "yml", "xlsx")
             if os.path.isfile(p := os.path.join(data_dir, org, f"{int(year)}.{ext}"))]
    if len(found) > 1:
        names = " and ".join(os.path.basename(p) for p in found)
        raise InputError(f"{os.path.join(data_dir, org)}: {names} both hold the data of "
                         f"{int(year)}: keep one (delete or move the other; lawreport "
                         "convert turns one format into the other)")
    if found:
        return found[0]
    raise InputError(f"no data file for '{org}' {year}: expected "
                     f"{os.path.join(data_dir, org, f'{int(year)}.yaml')}")


def catalog_files_for(data_dir, extra=(), org=None):
    """The user's catalogue files: ``<data_dir>/catalog.yaml`` if present, then the
    department's own ``<data_dir>/<org>/catalog.yaml`` (as ``lawreport extract`` writes
    it) if present, then ``extra``."""
    own = [os.path.join(data_dir, "catalog.yaml")]
    if org is not None:
        own.append(os.path.join(data_dir, str(org), "catalog.yaml"))
    return [p for p in own if os.path.isfile(p)] + [os.fspath(p) for p in extra]


def load_year(data_dir, org, year, catalog_files=()):
    """Load and validate one department-year.

    Earlier years of the same department are loaded too, for comparisons
    and trends.

    Returns
    -------
    LoadedYear
        ``findings`` holds the warnings.

    Raises
    ------
    DataValidationError
        When the data has errors.
    """
    from .history import check_history, load_history

    path = data_path(data_dir, org, year)
    catalog = load_catalog(catalog_files_for(data_dir, catalog_files, org))
    data, outline, findings = validate_file(path, catalog)
    if data is None:
        raise DataValidationError(findings)
    history, more = load_history(path, catalog)
    errors = check_history(data, catalog, history)
    if errors:
        raise DataValidationError(errors + findings)
    return LoadedYear(data, outline, catalog, findings + more, history)
