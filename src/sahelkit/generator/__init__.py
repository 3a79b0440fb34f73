"""The case generator: a country profile in, one coherent, byte-reproducible case folder out.

Stages, in the order data flows: `world` (people, networks, phones, cell sites, who talks to
whom), `comms` (calls, transfers), `movement` (vehicles, checkpoints, border crossings),
`intel` (services, sources, reports, extracts), `truth` (what trainers and tests check
against); `case` runs them and writes the folder. Participants never receive this subpackage:
with the seed it would rebuild the ground truth.
"""
from .case import DEFAULT_SEED, generate, generate_case, write_case

__all__ = ["DEFAULT_SEED", "generate", "generate_case", "write_case"]
