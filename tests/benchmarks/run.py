"""Run the issue #4 and #13 benchmarks and print every figure next to its baseline.

    python tests/benchmarks/run.py            # full: a few minutes on 2 cores
    python tests/benchmarks/run.py --fast     # smaller sizes, fewer runs: < 60 s (CI)
    python tests/benchmarks/run.py --only scale,decode

Exit status: 0 when every benchmark ran, whether or not its targets were met (CI checks
that they run, not the numbers); 1 if one broke; with --strict, also 1 if a target was
missed. --json PATH also writes the results as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent.parent))

import bench_decode
import bench_idle
import bench_network
import bench_poll
import bench_real
import bench_scale
import bench_start
import bench_tty
from common import Result, failed, format_table

BENCHMARKS = {
    module.NAME: module
    for module in (
        bench_start,
        bench_scale,
        bench_poll,
        bench_idle,
        bench_network,
        bench_decode,
        bench_real,
        bench_tty,
    )
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true", help="small sizes, few runs (CI)")
    parser.add_argument("--only", metavar="NAME[,NAME]", help=f"any of {', '.join(BENCHMARKS)}")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = parser.parse_args(argv)
    names = list(BENCHMARKS)
    if args.only:
        names = [name.strip() for name in args.only.split(",") if name.strip()]
        unknown = [name for name in names if name not in BENCHMARKS]
        if unknown:
            parser.error(
                f"unknown benchmark(s) {', '.join(unknown)}; pick from {', '.join(BENCHMARKS)}"
            )

    mode = "fast" if args.fast else "full"
    print(f"vpstui benchmarks ({mode}), Python {sys.version.split()[0]}", file=sys.stderr)
    results: list[Result] = []
    broke = False
    began = time.perf_counter()
    for name in names:
        start = time.perf_counter()
        print(f"  {name} …", end="", flush=True, file=sys.stderr)
        try:
            found = BENCHMARKS[name].run(args.fast)
        except Exception as error:
            broke = True
            traceback.print_exc()
            found = [failed(name, f"{type(error).__name__}: {error}"[:300])]
        results += found
        print(f" {time.perf_counter() - start:.1f} s", file=sys.stderr)
    print(f"done in {time.perf_counter() - began:.0f} s\n", file=sys.stderr)
    print(format_table(results))
    if args.json:
        Path(args.json).write_text(json.dumps([r.to_json() for r in results], indent=1))
    missed = [r for r in results if r.ok is False]
    if broke or any(r.measured is None for r in results):
        return 1
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
