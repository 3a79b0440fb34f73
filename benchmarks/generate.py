"""How fast is the case-data generator, and what does it cost in memory?

Run:  .venv/bin/python benchmarks/generate.py [--country ML] [--calls 1000000] [--baseline-rows 50000]

Prints, in one run on the same machine:
  1. a one-million-call CDR table made by the vectorised generator (numpy/pandas, the code that
     writes datasets/), next to a row-by-row Faker baseline making the same columns. The baseline
     is timed on --baseline-rows rows and extrapolated linearly to the same size (it says so);
     target ratio >= 25x;
  2. the time to generate and write a full workshop-size country (target < 5 s);
  3. the peak memory of making one million calls (tracemalloc peak of Python allocations, and the
     process's max resident size from getrusage; target < 1 GiB);
  4. the time `sahelkit.load()` takes for each committed country (target < 0.5 s).
No number here is asserted by a test: speed is a benchmark, not a test.
"""
from __future__ import annotations

import argparse
import datetime as dt
import gc
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

from sahelkit.generator import comms, world
from sahelkit.generator.case import generate_case, rng_for, write_case
from sahelkit.profiles import load_profile


def make_world(profile: dict) -> world.World:
    """Everything the calls are drawn from (people, phones, antennas, contacts): not timed."""
    start, end = profile["period"]["start"], profile["period"]["end"]
    w = world.World(profile, rng_for(profile["slug"], 2026), start, (end - start).days)
    world.build_people(w)
    world.choose_networks(w)
    world.assign_members(w)
    world.finish_people(w)
    world.build_phones(w)
    world.build_cells(w)
    world.build_contacts(w)
    return w


def vectorised_cdr(w: world.World, n: int):
    """The generator's own CDR code, plus turning times into ISO text as written to disk."""
    calls = comms.build_calls(w, n)
    base = np.datetime64(w.start.isoformat() + "T00:00:00", "s")
    calls["start"] = np.datetime_as_string(base + calls["start"].to_numpy().astype("timedelta64[s]"), unit="s")
    return calls


def faker_cdr(w: world.World, n: int) -> list[dict]:
    """The obvious way: one Faker call per field per row."""
    from faker import Faker

    fake = Faker("fr_FR")
    Faker.seed(2026)
    msisdn = w.phones.msisdn.tolist()
    cells = w.cells.cell_id.tolist()
    imeis = w.phones.imei.tolist()
    start = dt.datetime.combine(w.start, dt.time())
    end = start + dt.timedelta(days=w.days)
    rows = []
    for i in range(n):
        sms = fake.boolean(chance_of_getting_true=30)
        rows.append({
            "call_id": f"C{i + 1:06d}",
            "caller": fake.random_element(msisdn),
            "callee": fake.random_element(msisdn),
            "start": fake.date_time_between(start_date=start, end_date=end).isoformat(timespec="seconds"),
            "duration_s": 0 if sms else fake.random_int(5, 3600),
            "type": "sms" if sms else "call",
            "cell_id": fake.random_element(cells),
            "imei": fake.random_element(imeis),
        })
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--country", default="ML")
    ap.add_argument("--calls", type=int, default=1_000_000)
    ap.add_argument("--baseline-rows", type=int, default=50_000)
    args = ap.parse_args(argv)

    profile = load_profile(args.country)
    w = make_world(profile)
    print(f"country {profile['slug']}, {len(w.phones)} phones, {len(w.edges)} contact pairs")

    # 1. vectorised vs row-by-row
    gc.collect()
    t0 = time.perf_counter()
    calls = vectorised_cdr(w, args.calls)
    t_vec = time.perf_counter() - t0
    assert len(calls) == args.calls
    w2 = make_world(profile)
    t0 = time.perf_counter()
    rows = faker_cdr(w2, args.baseline_rows)
    t_base_sample = time.perf_counter() - t0
    assert list(rows[0]) == list(calls.columns)
    t_base = t_base_sample * args.calls / args.baseline_rows
    print(f"\n1. CDR table of {args.calls:,} calls")
    print(f"   vectorised (numpy/pandas):   {t_vec:8.2f} s")
    print(f"   row-by-row Faker baseline:   {t_base:8.2f} s  (timed {t_base_sample:.2f} s on "
          f"{args.baseline_rows:,} rows, extrapolated x{args.calls / args.baseline_rows:g})")
    print(f"   ratio:                       {t_base / t_vec:8.1f} x  (target >= 25 x)")
    del rows, calls

    # 2. full workshop-size country, generated and written
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        tables = generate_case(profile)
        write_case(tables, Path(tmp))
        t_country = time.perf_counter() - t0
        size = sum(p.stat().st_size for p in Path(tmp).rglob("*") if p.is_file())
    print(f"\n2. workshop-size {profile['slug']} (30,000 calls, every table, written as CSV)")
    print(f"   time:                        {t_country:8.2f} s  (target < 5 s), {size / 1e6:.1f} MB on disk")
    del tables

    # 3. peak memory for one million calls
    gc.collect()
    w3 = make_world(profile)
    tracemalloc.start()
    calls = vectorised_cdr(w3, args.calls)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del calls
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kB on Linux
    print(f"\n3. memory for {args.calls:,} calls")
    print(f"   tracemalloc peak:            {peak / 2**20:8.0f} MiB (target < 1024 MiB)")
    print(f"   process max RSS (getrusage): {rss / 2**20:8.0f} MiB (whole run, imports and the baseline included)")

    # 4. loading the committed cases
    import sahelkit

    print("\n4. sahelkit.load() of the committed workshop data (first load of each country)")
    for slug in sahelkit.COUNTRIES:
        t0 = time.perf_counter()
        sahelkit.load(slug)
        print(f"   {slug:14s}               {time.perf_counter() - t0:8.2f} s  (target < 0.5 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
