"""The ``lawreport`` command: a thin layer over the Python API.

Each command parses its arguments, makes one library call and maps errors to
exit codes: 0 success, 1 a failure while running, 2 invalid input or usage.
"""

from __future__ import annotations

import argparse
import os
import sys

from . import __version__
from .exceptions import DataValidationError, InputError, LawReportError

__all__ = ["main"]

YEARS = (1990, 2100)  # the years a report may be for, as validation and init accept

EPILOG = """exit codes: 0 success, 1 a failure while running (a part notebook raised or
timed out), 2 invalid input or usage. See README.md and docs/."""


def _year(text):
    """argparse type of --year: a four-digit year, refused before anything runs."""
    text = str(text).strip()
    if not text.isdigit():
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a year: give a four-digit year, e.g. 2023")
    year = int(text)
    if len(text) != 4 or not YEARS[0] <= year <= YEARS[1]:
        raise argparse.ArgumentTypeError(
            f"{text} is out of range: give a four-digit year from {YEARS[0]} to "
            f"{YEARS[1]}, e.g. 2023")
    return year


def _parser():
    p = argparse.ArgumentParser(
        prog="lawreport", epilog=EPILOG,
        description="Build 法治政府建设年度报告 from yearly data: validate, run the part "
                    "notebooks with papermill, export one self-contained HTML report.")
    p.add_argument("--version", action="version", version=f"lawreport {__version__}")
    p.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    v = sub.add_parser("validate", help="check data files and list every problem",
                       description="Check yearly data files (or every <org>/<year>.yaml or "
                       ".xlsx under a folder) and list every error and warning with file, "
                       "line (or sheet and cell), field and a fix. Exit code 2 if any file "
                       "has errors.")
    v.add_argument("paths", nargs="+", metavar="PATH", help="a data file or a data folder")
    v.add_argument("--catalog", action="append", default=[], metavar="FILE",
                   help="an extra indicator catalogue (repeatable)")

    b = sub.add_parser("build", help="build reports (no arguments: the whole sample)",
                       description="Validate, execute the part notebooks with papermill and "
                       "export <out>/<org>/<year>/report.html (report.docx, report.pdf with --format). "
                       "With no --org/--year, builds "
                       "every department-year under --data.")
    b.add_argument("--data", default="data", metavar="DIR",
                   help="data folder holding <org>/<year>.yaml or .xlsx (default: data)")
    b.add_argument("--org", action="append", metavar="SLUG",
                   help="only this department (repeatable)")
    b.add_argument("--year", action="append", type=_year, metavar="YYYY",
                   help="only this year (repeatable)")
    b.add_argument("--all", action="store_true",
                   help="every department-year under --data (the default when neither "
                   "--org nor --year is given)")
    b.add_argument("--out", default="outputs", metavar="DIR",
                   help="output folder (default: outputs)")
    b.add_argument("--notebooks", metavar="DIR",
                   help="folder of part notebooks NN-<part>.ipynb (default: notebooks/)")
    b.add_argument("--catalog", action="append", default=[], metavar="FILE",
                   help="an extra indicator catalogue (repeatable)")
    b.add_argument("--timeout", type=float, default=600, metavar="SECONDS",
                   help="stop a cell that runs longer than this (default: 600)")
    b.add_argument("--jobs", "-j", type=int, metavar="N",
                   help="notebooks executing at once (default: the machine's cores)")
    b.add_argument("--force", action="store_true",
                   help="rebuild even when no input changed since the last build")
    b.add_argument("--scheduler", metavar="ADDRESS",
                   help="run the builds on a Dask distributed cluster, e.g. "
                   "tcp://scheduler-host:8786")
    b.add_argument("--no-index", action="store_true",
                   help="do not (re)build <out>/index.html after a batch")
    b.add_argument("--log-file", metavar="PATH",
                   help="also append the run's messages, with times, to this file (for "
                   "scheduled runs)")
    b.add_argument("--summary-json", metavar="PATH",
                   help="write what was built, unchanged and failed (with reasons) to this "
                   "JSON file")
    b.add_argument("--format", default="html", metavar="FORMATS",
                   help="reports to write, comma-separated: html, docx (Word, GB/T 9704 "
                   "layout), pdf (A4); e.g. html,docx,pdf (default: html)")
    b.add_argument("--docx-template", metavar="FILE",
                   help="a reference .docx whose styles, page setup and footers the Word "
                   "file uses (as pandoc's reference-doc)")

    c = sub.add_parser("catalog", help="list the indicators a data file may hold",
                       description="List the indicator catalogue: id, kind, unit, Chinese name.")
    c.add_argument("--catalog", action="append", default=[], metavar="FILE",
                   help="an extra indicator catalogue (repeatable)")
    sub.add_parser("outlines", help="list the shipped report outlines",
                   description="List the shipped outlines with their parts and areas.")
    k = sub.add_parser("kernel", help="install the 'lawreport' Jupyter kernel",
                       description="Install the 'lawreport' kernelspec into this "
                       "environment, for JupyterLab and the papermill command line.")
    k.add_argument("action", choices=["install"])

    x = sub.add_parser(
        "extract", help="turn a published report into a draft data file",
        description="Read a published report (plain text, an HTML page, DOCX or PDF) and "
        "write a draft data file <DIR>/<SLUG>/<YEAR>.yaml: its title, addressee, preamble, "
        "parts, areas and items, every quantity as a figure placeholder, a table of "
        "figures as figures drawn back as a table; plus an outline file and catalogue "
        "entries beside it where the layout or the figures are not shipped ones. Then: "
        "lawreport build --data DIR --org SLUG --year YEAR.")
    x.add_argument("report", metavar="REPORT", help="the published report (.txt, .html, "
                   ".docx or .pdf)")
    x.add_argument("--org", required=True, metavar="SLUG",
                   help="the department's slug (lowercase ASCII letters, digits, '-')")
    x.add_argument("--year", type=_year, metavar="YYYY",
                   help="the reported year (default: read from the title)")
    x.add_argument("--data", default="data", metavar="DIR",
                   help="data folder to write into (default: data)")
    x.add_argument("--force", action="store_true",
                   help="overwrite files that exist (never done without it)")

    cv = sub.add_parser(
        "convert", help="convert a data file between YAML and an Excel workbook",
        description="Convert a yearly data file to the other format: YAML → Excel workbook "
        "(sheets 说明, 基本信息, 数据, 正文) or workbook → YAML, without loss (the file "
        "written is read back and compared). Only YAML comments are not carried over.")
    cv.add_argument("file", metavar="FILE", help="a data file (.yaml or .xlsx)")
    cv.add_argument("--to", required=True, choices=["xlsx", "yaml"],
                    help="the format to write")
    cv.add_argument("--out", required=True, metavar="PATH",
                    help="the file to write (.xlsx or .yaml)")
    cv.add_argument("--force", action="store_true",
                    help="overwrite PATH if it exists (never done without it)")

    i = sub.add_parser(
        "init", help="draft next year's data file from the latest earlier year",
        description="Write <DIR>/<SLUG>/<YEAR>.yaml (or .xlsx) from the department's latest "
        "earlier year: same outline, the text kept as a draft to rewrite, every figure "
        "empty, so that 'lawreport validate' lists each until it is filled. With no earlier "
        "year, a template from an outline and the indicator catalogue. An existing file is "
        "never overwritten.")
    i.add_argument("--org", required=True, metavar="SLUG", help="the department's slug")
    i.add_argument("--year", required=True, type=_year, metavar="YYYY",
                   help="the year to draft")
    i.add_argument("--data", default="data", metavar="DIR",
                   help="data folder (default: data)")
    i.add_argument("--format", default="yaml", choices=["yaml", "xlsx"],
                   help="the file to write: yaml (default) or xlsx")
    i.add_argument("--outline", metavar="NAME",
                   help="for a template (no earlier year): the outline, a shipped name or "
                   "a file (default: gangyao-2021)")
    i.add_argument("--catalog", action="append", default=[], metavar="FILE",
                   help="an extra indicator catalogue (repeatable)")

    ck = sub.add_parser(
        "check", help="review reports before publication: contents, dates, figures, text",
        description="Review data files (<org>/<year>.yaml, or a data folder: every "
        "department-year) and published reports (.txt, .html, .docx, .pdf) against the "
        "rules of 《法治政府建设与责任落实督察工作规定》 and the text rules of the rule "
        "catalogue (see docs/check.md). Each finding names the file and line, the rule, "
        "its severity, what is wrong, a quote and a suggestion. Exit 0 when nothing is "
        "found, 1 when something is, 2 when an input cannot be read.")
    ck.add_argument("paths", nargs="+", metavar="PATH",
                    help="a data file, a data folder or a published report")
    ck.add_argument("--format", choices=["text", "json"], default="text",
                    help="output format (default: text)")
    ck.add_argument("--rules", action="append", default=[], metavar="FILE",
                    help="a rules file of your own: rules and phrases added to the shipped "
                    "ones (repeatable; rules.yaml in the data folder is read too)")
    ck.add_argument("--previous", metavar="FILE",
                    help="last year's report or data file, for a published report: plan "
                    "follow-through and year-over-year figures")
    ck.add_argument("--catalog", action="append", default=[], metavar="FILE",
                    help="an extra indicator catalogue (repeatable)")
    p.subcommands = sub.choices
    return p


def _catalog_files(paths):
    """Refuse up front a --catalog that is missing or a folder (as validate always
    did, and before build hashes its inputs)."""
    for path in paths:
        if os.path.isdir(path):
            raise InputError(f"--catalog {path}: this is a folder, not a catalogue file: "
                             "give the path of an indicator catalogue .yaml file")
        if not os.path.isfile(path):
            raise InputError(f"--catalog {path}: catalogue file not found: check the "
                             "path, or leave --catalog out")


def _write_folder(data, org, option="--data"):
    """Refuse up front a data folder that ``<data>/<org>/`` cannot be written into."""
    from .api import check_slug
    from .batch import check_output_path

    check_slug(org)
    check_output_path(data, option, folder=True)
    check_output_path(os.path.join(data, org), option, folder=True)


def _check(args):
    import json

    from .batch import check_input_file
    from .check import check_paths, format_text, results_json

    _catalog_files(args.catalog)
    if args.previous:
        check_input_file(args.previous, "--previous", "last year's published report or its "
                    "data file (<org>/<year>.yaml)")

    results, errors = check_paths(args.paths, args.rules, args.previous, args.catalog)
    for path, message in errors:
        print(f"lawreport: error: {message}" if message.startswith(path) else
              f"lawreport: error: {path}: {message}", file=sys.stderr)
    if args.format == "json":
        print(json.dumps(results_json(results, errors), ensure_ascii=False, indent=1))
    else:
        text = format_text(results)
        if text:
            print(text)
    n = [sum(r.counts()[s] for r in results) for s in ("error", "warning", "info")]
    print(f"{len(results)} file(s) checked: {n[0]} error(s), {n[1]} warning(s), "
          f"{n[2]} info", file=sys.stderr)
    if errors:
        return 2
    return 1 if any(r.findings for r in results) else 0


def _validate(args):
    from .api import catalog_files_for
    from .catalog import load_catalog
    from .check import REPORT_SUFFIXES
    from .history import check_history, load_history
    from .load import data_files, year_files
    from .validate import validate_file

    _catalog_files(args.catalog)
    files, status = [], 0
    for path in args.paths:
        if not os.path.isdir(path) and path.lower().endswith(REPORT_SUFFIXES):
            raise InputError(f"{path}: this is a published report, not a data file: to "
                             f"review it run lawreport check {path}; to draft a data file "
                             f"from it run lawreport extract {path} --org SLUG")
        if os.path.isdir(path):
            found = data_files(path) or [p for _y, p in year_files(path)]  # or its own folder
            if not found:
                raise InputError(f"{path}: no <org>/<year>.yaml or .xlsx data files in this "
                                 "folder")
            files += [(f, os.path.dirname(os.path.dirname(os.path.abspath(f))))
                      for f in found]
        elif os.path.exists(path):
            files.append((path, os.path.dirname(os.path.dirname(os.path.abspath(path)))))
        else:
            raise InputError(f"{path}: no such file or folder")
    n_err = n_warn = 0
    for path, root in files:
        org = os.path.basename(os.path.dirname(os.path.abspath(path)))
        catalog = load_catalog(catalog_files_for(root, args.catalog, org))
        data, _outline, findings = validate_file(path, catalog)
        if data is not None:
            history, more = load_history(path, catalog)
            findings = check_history(data, catalog, history) + findings + more
        for f in findings:
            print(f.format())
        e = sum(f.level == "error" for f in findings)
        n_err, n_warn = n_err + e, n_warn + len(findings) - e
        if e:
            status = 2
    print(f"{len(files)} file(s) checked: {n_err} error(s), {n_warn} warning(s)",
          file=sys.stderr)
    return status


def _build(args):
    from .batch import build_many, check_output_path

    if args.jobs is not None and args.jobs < 1:
        raise InputError("--jobs must be at least 1")
    if args.timeout <= 0:
        raise InputError("--timeout must be a positive number of seconds")
    # every path is checked before anything is built (build_many checks --log-file
    # and --summary-json the same way)
    if os.path.exists(args.data) and not os.path.isdir(args.data):
        raise InputError(f"--data {args.data}: this is a file, not a folder: give the data "
                         "folder holding <org>/<year>.yaml")
    check_output_path(args.out, "--out", folder=True)
    _catalog_files(args.catalog)
    return build_many(args.data, args.out, orgs=args.org, years=args.year,
                      notebooks_dir=args.notebooks, catalog_files=args.catalog,
                      timeout=args.timeout, force=args.force, jobs=args.jobs,
                      scheduler=args.scheduler, index=not args.no_index,
                      formats=args.format, docx_template=args.docx_template,
                      log_file=args.log_file, summary_json=args.summary_json)


def _catalog(args):
    from .catalog import load_catalog

    _catalog_files(args.catalog)
    cat = load_catalog(args.catalog)
    for iid, ind in cat.indicators.items():
        print(f"{iid:48} {ind.kind:10} {ind.unit:4} {ind.name}")
    return 0


def _outlines(_args):
    from .catalog import load_outline, shipped_outlines

    for name in shipped_outlines():
        o = load_outline(name)
        print(f"{name}: {o.description}")
        for p in o.parts:
            flag = "" if p.required else " (optional)"
            print(f"  {p.key} [{p.kind}]{flag}: {p.heading}")
            for a in p.areas:
                print(f"    {a.key}: {a.heading}")
    return 0


def _kernel(_args):
    from importlib import resources

    from jupyter_client.kernelspec import KernelSpecManager

    src = str(resources.files("lawreport").joinpath("kernelspecs", "lawreport"))
    dest = KernelSpecManager().install_kernel_spec(src, "lawreport", prefix=sys.prefix)
    print(f"installed kernel 'lawreport' in {dest}")
    return 0


def _extract(args):
    from .batch import check_input_file
    from .todata import extract_to_data

    check_input_file(args.report, None, "the published report's file (.txt, .html, .docx or "
                ".pdf)")
    _write_folder(args.data, args.org)
    result = extract_to_data(args.report, args.org, year=args.year, data_dir=args.data,
                             force=args.force)
    print(result.summary())
    return 0


def _convert(args):
    from .convert import convert

    for note in convert(args.file, args.to, args.out, force=args.force):
        print(note, file=sys.stderr)
    print(f"wrote {show_path(args.out)}")
    return 0


def _init(args):
    from .draft import init_year

    _catalog_files(args.catalog)
    _write_folder(args.data, args.org)
    path, source = init_year(args.data, args.org, args.year, args.format,
                             outline=args.outline, catalog_files=args.catalog)
    what = f"from {show_path(source)}" if source else "a template (no earlier year)"
    print(f"wrote {show_path(path)}: {what}")
    print(f"next: fill in every figure and rewrite the text; lawreport validate "
          f"{show_path(path)} lists what is still empty", file=sys.stderr)
    return 0


def show_path(path):
    """``path`` relative to the current folder when it is under it, else absolute."""
    from .batch import show_path as show

    return show(path)


COMMANDS = {"check": _check, "validate": _validate, "build": _build, "catalog": _catalog,
            "outlines": _outlines, "kernel": _kernel, "extract": _extract,
            "convert": _convert, "init": _init}


def _unrecognized(parser, args, extra):
    """Report arguments no option takes with the usage of the command they were given
    to (not the top-level one), and the option meant when one is close; exits 2."""
    import difflib

    sub = parser.subcommands.get(args.command) if args.command else None
    target = sub or parser
    options = [o for a in target._actions for o in a.option_strings]
    hints = []
    for word in extra:
        if not word.startswith("-"):
            continue
        near = difflib.get_close_matches(word.split("=", 1)[0], options, n=1, cutoff=0.6)
        if near:
            hints.append(f"{word.split('=', 1)[0]}: did you mean {near[0]}?")
    what = f"lawreport {args.command} -h" if sub else "lawreport -h"
    target.error(f"unrecognized arguments: {' '.join(extra)}"
                 + "".join(f"\n  {h}" for h in hints) + f"\n  see {what} for its options")


def main(argv=None):
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        _unrecognized(parser, args, extra)
    if not args.command:
        parser.print_help()
        return 2
    try:
        return COMMANDS[args.command](args)
    except DataValidationError as exc:
        for f in exc.findings:
            print(f.format(), file=sys.stderr)
        return exc.exit_code
    except LawReportError as exc:
        print(f"lawreport: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("lawreport: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the output's reader went away (lawreport … | head): stop quietly, and keep
        # Python from failing again on the closed pipe at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as exc:  # an internal error: short message unless --debug
        if args.debug:
            raise
        print(f"lawreport: internal error: {type(exc).__name__}: {exc}\n"
              "  rerun with --debug for the traceback, and please report it", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
