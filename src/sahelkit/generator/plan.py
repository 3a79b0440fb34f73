"""What the generator's stages hand each other about the planted story, typed.

`world` decides who plants what (the lines of the SIM swap, the two phones that travel
together, the people of the cross-border cell); `comms`, `movement` and `intel` plant it in
their tables and record the ids it ended up with; `truth` writes it down. Each planted detail is
a dataclass here, held by `World.plan`, so a stage reads `w.plan.swap.lines`, not a string key.
Indices are row positions: a person in `World.persons`, a line in `World.phones`. Times are
seconds from the start of the period.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SimSwap:
    """One handset used with several SIMs in turn; the later SIMs are held by straw holders."""

    person: int
    lines: tuple[int, ...]  # in the order they are used; the first is the person's own line
    starts: tuple[int, ...]  # when each later SIM takes over (one per line after the first)


@dataclass
class HandsetChange:
    """A number that moves to a new handset (IMEI) during the period."""

    line: int
    old_imei: str
    new_imei: str


@dataclass
class CoLocation:
    """Two phones calling from one antenna within minutes, again and again, in several towns."""

    lines: tuple[int, int]
    occasions: list[tuple[str, int]] = field(default_factory=list)  # (town, day), filled by comms


@dataclass
class Structuring:
    """A financier's transfers kept just under the reporting threshold."""

    line: int
    transfer_ids: list[str] = field(default_factory=list)


@dataclass
class Convoy:
    """Two plates of one network passing checkpoints together, minutes apart."""

    plates: tuple[str, str]
    posts: list[str] = field(default_factory=list)  # post of each joint passage, filled by movement


@dataclass
class CellCrossings:
    """The cross-border cell's members crossing at the post that leads to their country."""

    post: str
    travellers: list[int]


@dataclass
class Plan:
    """Every planted detail, filled stage by stage in the order data flows (None until planted)."""

    foreign_people: list[int] = field(default_factory=list)  # people living abroad around the cell
    imei_taken: set[str] = field(default_factory=set)  # IMEIs drawn so far: a new handset never reuses one
    swap: SimSwap | None = None
    decoy: int = -1  # line of the busy trader with more raw betweenness than the broker (set by world)
    colocation: CoLocation | None = None
    handset: HandsetChange | None = None
    structuring: Structuring | None = None
    front_transport: str = ""  # org_id of the transport firm that fronts for the transport network
    convoy: Convoy | None = None
    courier_plate: str = ""  # the cross-border network's courier's vehicle, named in reports
    crossings: CellCrossings | None = None
    pill_purchases: list[str] = field(default_factory=list)  # purchase_ids of pills found to be drugs
    inconsistent_reports: list[str] = field(default_factory=list)  # report_ids graded better than deserved
    answered: dict[str, list[str]] = field(default_factory=dict)  # requirement_id -> report_ids answering it
