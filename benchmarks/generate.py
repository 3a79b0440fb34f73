"""How fast is the case-data generator, and what does it cost in memory?

Run:  .venv/bin/python benchmarks/generate.py [--country ML] [--calls 1000000] [--baseline-rows 50000] [--repeat 3]

The machine may be shared and noisy: every time printed is the best of --repeat runs, for each
side, the runs of the two sides taking turns; the load average is printed, and each ratio is also
given in CPU time, which a busy machine disturbs far less. Prints, in one run on the same machine:
  1. the CDR table of --calls calls made by the vectorised generator (comms.build_calls and the
     times as text, the code that writes datasets/), next to a row-by-row Faker baseline making
     the same columns. The baseline is timed on --baseline-rows rows and extrapolated linearly to
     the same size (it says so); target ratio >= 25x;
  2. the whole command `python -m sahelkit.cli generate --country <slug> --calls <calls> --out <tmp>`
     in a child process, wall clock from its start to its last file written, next to the same
     Faker baseline making the calls table and writing it as CSV (csv.writer), extrapolated the
     same way; target ratio >= 10x. And the command's peak memory (the child's max resident size
     from wait4; target < 1 GiB);
  3. the time to generate and write a full workshop-size country (target < 5 s);
  4. the peak of Python allocations while making one million calls (tracemalloc);
  5. the time `sahelkit.load()` takes for each committed country (target < 0.5 s).
No number here is asserted by a test: speed is a benchmark, not a test.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import gc
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import sahelkit
from sahelkit.generator import comms, world
from sahelkit.generator.case import generate_case, iso_times, rng_for, write_case
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
    calls["start"] = iso_times(w.start, calls["start"].to_numpy())
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


class Clock:
    """Wall and CPU seconds of a block: `with Clock() as c: ...`, then c.wall, c.cpu."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu


def faker_cdr_csv(w: world.World, n: int, path: Path) -> tuple[Clock, Clock]:
    """Time the Faker baseline making n calls, then writing them as CSV.

    It writes with csv.writer, not csv.DictWriter, which checks every row's keys and is twice as
    slow: the baseline should be the obvious way done reasonably, not a straw man.
    """
    with Clock() as make:
        rows = faker_cdr(w, n)
    with Clock() as write, open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(rows[0])
        writer.writerows(row.values() for row in rows)
    return make, write


def generate_command(slug: str, calls: int, out: Path) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and peak resident bytes of `sahelkit generate`, run as its own process.

    The child imports the same sahelkit as this script (its folder first on PYTHONPATH), and
    os.wait4 gives that child's own resource usage, so the memory is the command's alone.
    """
    paths = [str(Path(sahelkit.__file__).resolve().parents[1]), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(paths))
    cmd = [sys.executable, "-m", "sahelkit.cli", "generate", "--country", slug, "--calls", str(calls),
           "--out", str(out)]
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        child = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - t0
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode:
            err.seek(0)
            raise SystemExit(f"{' '.join(cmd)} failed ({child.returncode}):\n{err.read().decode(errors='replace')}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024  # ru_maxrss: kB on Linux


def compare_with_faker(profile: dict, calls: int, baseline_rows: int, repeat: int) -> None:
    """Sections 1 and 2: each side in turn, --repeat times; the best run of each side counts."""
    slug, scale = profile["slug"], calls / baseline_rows
    w = make_world(profile)
    vec, make, both, cmd_wall, cmd_cpu, rss = [], [], [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(repeat):
            w1 = make_world(profile)
            gc.collect()
            with Clock() as c:
                table = vectorised_cdr(w1, calls)
            vec.append(c)
            assert len(table) == calls
            del table, w1
            m, wr = faker_cdr_csv(w, baseline_rows, Path(tmp) / "faker_calls.csv")
            make.append(m)
            both.append((m.wall + wr.wall, m.cpu + wr.cpu))
            gc.collect()
            wall, cpu, peak = generate_command(slug, calls, Path(tmp) / f"case{run}")
            cmd_wall.append(wall)
            cmd_cpu.append(cpu)
            rss.append(peak)
        n_files = sum(1 for p in Path(tmp, "case0").rglob("*") if p.is_file())
        header = Path(tmp, "faker_calls.csv").open(encoding="utf-8").readline()
        assert header == Path(tmp, "case0", "calls.csv").open(encoding="utf-8").readline()
    t_vec, t_make = min(c.wall for c in vec), min(c.wall for c in make) * scale
    print(f"\n1. CDR table of {calls:,} calls (comms.build_calls and times as text)")
    print(f"   vectorised (numpy/pandas):   {t_vec:8.2f} s")
    print(f"   row-by-row Faker baseline:   {t_make:8.2f} s  (timed {t_make / scale:.2f} s on "
          f"{baseline_rows:,} rows, extrapolated x{scale:g})")
    print(f"   ratio:                       {t_make / t_vec:8.1f} x  (target >= 25 x)")
    print(f"   ratio of CPU times:          {min(c.cpu for c in make) * scale / min(c.cpu for c in vec):8.1f} x  "
          "(steadier than wall clock on a busy machine)")
    t_both = min(wall for wall, _ in both) * scale
    print(f"\n2. the whole command, process start to last file written: sahelkit generate --country {slug} "
          f"--calls {calls}")
    print(f"   sahelkit generate (child):   {min(cmd_wall):8.2f} s  (every table, {n_files} files)")
    print(f"   Faker baseline + csv.writer: {t_both:8.2f} s  (the calls table only, made and written; "
          f"extrapolated x{scale:g})")
    print(f"   ratio:                       {t_both / min(cmd_wall):8.1f} x  (target >= 10 x)")
    print(f"   ratio of CPU times:          {min(cpu for _, cpu in both) * scale / min(cmd_cpu):8.1f} x  "
          "(the child's user + system time)")
    print(f"   peak memory of the command:  {max(rss) / 2**20:8.0f} MiB (max resident size of the child; "
          "target < 1024 MiB)")
    print(f"   load average after 1 and 2:  {os.getloadavg()[0]:8.1f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--country", default="ML")
    ap.add_argument("--calls", type=int, default=1_000_000)
    ap.add_argument("--baseline-rows", type=int, default=50_000)
    ap.add_argument("--repeat", type=int, default=3, help="runs of each side; the best is kept (default 3)")
    args = ap.parse_args(argv)

    profile = load_profile(args.country)
    slug = profile["slug"]
    w = make_world(profile)
    print(f"country {slug}, {len(w.phones)} phones, {len(w.edges)} contact pairs; "
          f"every time is the best of {args.repeat} runs (shared machine), the two sides taking turns")
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    compare_with_faker(profile, args.calls, args.baseline_rows, args.repeat)

    # 3. full workshop-size country, generated and written
    t_country = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            tables = generate_case(profile)
            write_case(tables, Path(tmp))
            t_country.append(time.perf_counter() - t0)
            size = sum(p.stat().st_size for p in Path(tmp).rglob("*") if p.is_file())
        del tables
    print(f"\n3. workshop-size {slug} (30,000 calls, every table, written as CSV)")
    print(f"   time:                        {min(t_country):8.2f} s  (target < 5 s), {size / 1e6:.1f} MB on disk")

    # 4. Python allocations for one million calls
    gc.collect()
    w3 = make_world(profile)
    tracemalloc.start()
    calls = vectorised_cdr(w3, args.calls)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del calls
    print(f"\n4. memory for {args.calls:,} calls in this process")
    print(f"   tracemalloc peak:            {peak / 2**20:8.0f} MiB (Python allocations of build_calls and the times)")

    # 5. loading the committed cases
    print("\n5. sahelkit.load() of the committed workshop data (first load of each country)")
    for country in sahelkit.COUNTRIES:
        t0 = time.perf_counter()
        sahelkit.load(country)
        print(f"   {country:14s}               {time.perf_counter() - t0:8.2f} s  (target < 0.5 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
