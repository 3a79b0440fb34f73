"""Does every planted signal keep its stated margin, whatever the seed?

Run:  .venv/bin/python benchmarks/signals.py [--countries mali,chad] [--seeds 1-50]

Generates every country (datasets/profiles/) for every seed at the workshop size, measures each
signal's margins on the tables (sahelkit.generator.margins, the measures the tests use), and
prints, for each measure, the worst value met across the sweep, where, and the bound stated in
sahelkit.generator.signals; then the time one case takes to generate and to measure. Exits 1 if
any signal broke its margin (each broken case is listed). The test suite sweeps a spread subset
of these cases (all of them with SAHELKIT_FULL_MATRIX=1).
"""
from __future__ import annotations

import argparse
import sys
import time

from tqdm import tqdm

from sahelkit.generator.case import generate_case
from sahelkit.generator.margins import broken, measure
from sahelkit.profiles import PROFILES_DIR, load_profile


def seed_range(text: str) -> list[int]:
    first, _, last = text.partition("-")
    return list(range(int(first), int(last or first) + 1))


def worst(rows: list[tuple[str, int, object]]) -> list[tuple[object, str, int]]:
    """Per measure, the margin closest to (or past) its bound, with the country and seed."""
    out: dict[tuple[str, str], tuple[float, object, str, int]] = {}
    for country, seed, m in rows:
        slack = (m.value - m.bound) * (1 if m.op in (">=", ">") else -1) if m.op != "==" else -abs(m.value - m.bound)
        key = (m.signal, m.measure)
        if key not in out or slack < out[key][0]:
            out[key] = (slack, m, country, seed)
    return [(m, c, s) for _, m, c, s in out.values()]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--countries", default=",".join(sorted(p.stem for p in PROFILES_DIR.glob("*.yaml"))))
    ap.add_argument("--seeds", default="1-50", help="a seed or a range, e.g. 1-50")
    args = ap.parse_args(argv)
    cases = [(c, s) for c in args.countries.split(",") for s in seed_range(args.seeds)]
    rows, failures, gen_s, measure_s = [], [], 0.0, 0.0
    for country, seed in tqdm(cases, desc="sweep", unit="case"):
        profile = load_profile(country)
        t0 = time.perf_counter()
        tables = generate_case(profile, seed=seed)
        t1 = time.perf_counter()
        margins = measure(tables, profile)
        gen_s, measure_s = gen_s + t1 - t0, measure_s + time.perf_counter() - t1
        rows += [(country, seed, m) for m in margins]
        failures += [(country, seed, m) for m in broken(margins)]
    print(f"\n{len(cases)} cases ({args.countries}; seeds {args.seeds}), workshop size\n")
    print("| signal | measure | worst | stated | where | ok |")
    print("|---|---|---|---|---|---|")
    for m, country, seed in worst(rows):
        print(f"| {m.signal} | {m.measure} | {m.value:.3g} | {m.op} {m.bound:g} | {country} {seed} | "
              f"{'yes' if m.ok else 'NO'} |")
    print(f"\nper case: generate {gen_s / len(cases):.2f} s, measure {measure_s / len(cases):.2f} s "
          f"(total {gen_s + measure_s:.0f} s)")
    for country, seed, m in failures:
        print(f"BROKEN {country} seed {seed}: {m}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
