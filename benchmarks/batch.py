"""Throughput of `cswidget batch` against the library's own cost per snippet.

    python benchmarks/batch.py            # 100,000 rows
    python benchmarks/batch.py --rows 20000

Writes a CSV in a temporary directory (`--tmp DIR` to choose the disk), then
in the same run measures: the library rendering every row (`Widget.embed(row)`,
rows already parsed), the bare cost of creating files of the same size on the
same disk (no rendering), and `cswidget batch` end to end, in-process (read,
parse, render, write). The target is batch <= 2x the library's cost times the
row count; where creating a file costs more than rendering it, the second
ratio shows what batch adds over library + file creation.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from cswidget import Widget
from cswidget.cli import main as cswidget_main

TARGET_RATIO = 2.0
FILE_SAMPLE = 10_000
ORG, SURVEY, SRC = "acme", "AKknWccEFf7", "https://acme.example/survey_widget.js"
HEADER = ["reference", "name", "email", "site_code", "region", "order_total", "note"]
NOTES = ["", "Zoë's order", '"gift" <wrapped> & boxed', "日本語のテキスト", "x" * 100]


def write_rows(path: Path, count: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(HEADER)
        for index in range(count):
            writer.writerow(
                [
                    f"INV-{index}",
                    f"Customer {index}",
                    f"customer{index}@example.com",
                    f"site-{index % 40}",
                    ("north", "south", "east", "west")[index % 4],
                    str(index * 7 % 1000),
                    NOTES[index % len(NOTES)],
                ]
            )


def time_library(path: Path, widget: Widget) -> tuple[float, int]:
    with path.open(newline="", encoding="utf-8") as file:
        rows = [{key: value for key, value in row.items() if value} for row in csv.DictReader(file)]
    start = time.perf_counter()
    size = 0
    for row in rows:
        size += len(str(widget.embed(row)))
    return time.perf_counter() - start, size // max(len(rows), 1)


def time_file_creation(directory: Path, count: int, size: int) -> float:
    # A sample, scaled up: creating (and later deleting) another full set of
    # files would double the benchmark's time on a slow disk.
    sample = min(count, FILE_SAMPLE)
    directory.mkdir()
    data = b"x" * (size + 1)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    start = time.perf_counter()
    for index in range(sample):
        descriptor = os.open(os.path.join(directory, f"INV-{index}.html"), flags, 0o644)
        os.write(descriptor, data)
        os.close(descriptor)
    return (time.perf_counter() - start) * count / sample


def time_batch(rows_path: Path, out: Path) -> float:
    argv = ["batch", str(rows_path), "--out", str(out), "--no-progress"]
    argv += ["--org", ORG, "--survey", SURVEY, "--script-src", SRC, "--segment-key", "region"]
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        status = cswidget_main(argv)
    elapsed = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"cswidget batch exited with {status}")
    return elapsed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows to render")
    parser.add_argument(
        "--tmp", default=None, help="directory for the temporary files (default: the system's)"
    )
    args = parser.parse_args(argv)
    widget = Widget(org=ORG, survey=SURVEY, script_src=SRC, segment_keys=["region"])
    with tempfile.TemporaryDirectory(prefix="cswidget-bench-", dir=args.tmp) as temporary:
        directory = Path(temporary)
        rows_path = directory / "rows.csv"
        write_rows(rows_path, args.rows)
        library, snippet_size = time_library(rows_path, widget)
        files = time_file_creation(directory / "floor", args.rows, snippet_size)
        batch = time_batch(rows_path, directory / "out")
        written = sum(1 for _ in (directory / "out").iterdir()) - 1  # less rejected.json
    if written != args.rows:
        raise SystemExit(f"expected {args.rows} files, found {written}")
    ratio = batch / library
    per_row = 1e6 / args.rows
    table = [
        ("library: Widget.embed(row), rows in memory", library),
        (f"disk: create as many files, no rendering ({FILE_SAMPLE:,} timed)", files),
        ("cswidget batch: read + parse + render + write", batch),
    ]
    print(
        f"cswidget batch benchmark: {args.rows:,} rows, ~{snippet_size} bytes per snippet, "
        f"files in {args.tmp or tempfile.gettempdir()}"
    )
    print(f"{'measurement':<55} {'total s':>9} {'per row us':>11}")
    for label, seconds in table:
        print(f"{label:<55} {seconds:>9.2f} {seconds * per_row:>11.1f}")
    print(f"batch / library: {ratio:.2f}x (target <= {TARGET_RATIO:.1f}x)")
    print(f"batch / (library + file creation): {batch / (library + files):.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
