"""What a build process imports: an HTML report's build leaves pandas and matplotlib to
its kernels, and an unchanged rebuild imports none of the heavy libraries."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import SAMPLE_ORG, SAMPLE_YEAR

HEAVY = ("pandas", "matplotlib", "nbconvert", "papermill")

PROBE = """
import json, sys
from lawreport.pipeline import build
r = build(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], force=sys.argv[5] == "1")
print(json.dumps({"status": r.status,
                  "imported": [m for m in %r if m in sys.modules]}))
""" % (HEAVY,)


def _build(data, out, force):
    r = subprocess.run([sys.executable, "-c", PROBE, str(data), SAMPLE_ORG, str(SAMPLE_YEAR),
                        str(out), "1" if force else "0"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_a_build_process_leaves_pandas_and_matplotlib_to_its_kernels(sample_copy, tmp_path):
    built = _build(sample_copy, tmp_path / "out", force=True)
    assert built["status"] == "built"
    # the notebooks ran and the HTML was exported: papermill and nbconvert are here, the
    # libraries the notebooks compute and draw with are only in the kernels
    assert built["imported"] == ["nbconvert", "papermill"]
    again = _build(sample_copy, tmp_path / "out", force=False)
    assert again == {"status": "unchanged", "imported": []}
