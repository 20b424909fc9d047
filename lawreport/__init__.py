"""lawreport: yearly data → validated → papermill part notebooks → one HTML report.

The public API::

    from lawreport import build, validate_path, load_year
"""

from __future__ import annotations

__version__ = "0.1.0"

from .api import load_year
from .catalog import load_catalog, load_outline
from .exceptions import (BuildError, BuildLockedError, CatalogError, DataValidationError,
                         InputError, LawReportError, PartExecutionError, PartTimeoutError)
from .findings import Finding
from .pipeline import BuildResult, build
from .validate import validate_file

__all__ = [
    "__version__",
    "build",
    "BuildResult",
    "load_year",
    "load_catalog",
    "load_outline",
    "validate_file",
    "Finding",
    "LawReportError",
    "InputError",
    "DataValidationError",
    "CatalogError",
    "BuildError",
    "PartExecutionError",
    "PartTimeoutError",
    "BuildLockedError",
]
