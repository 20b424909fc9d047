"""The ``lawreport`` Jupyter kernel: ipykernel, with the report's libraries preloaded.

``python -m lawreport.kernel -f CONNECTION_FILE`` imports pandas, matplotlib and
lawreport's notebook helpers into ``sys.modules`` before the kernel starts, so
a part notebook's import cell costs nothing while the kernel's namespace stays
empty: every part still runs in a clean state.
"""

import os


def _preload():
    os.environ.setdefault("MPLBACKEND", "agg")
    import lawreport.notebook  # noqa: F401  (pulls in pandas and matplotlib)
    from lawreport.charts import setup_font

    try:
        setup_font()
    except Exception:  # a missing font is reported where a chart is drawn
        pass


def main():
    _preload()
    from ipykernel.kernelapp import launch_new_instance

    launch_new_instance()


if __name__ == "__main__":
    main()
