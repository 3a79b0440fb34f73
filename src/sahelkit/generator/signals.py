"""The numbers of every planted signal, each named once.

The generator plants each signal with these numbers and guarantees its margin over the innocent
background (`guarantee`); `truth` states them in the `detail` of truth/signals.csv; the data
dictionary (datasets/README.md) states them in its table of signals; the tests and
benchmarks/signals.py check them on the tables (`margins`). Change a number here and all four
follow.

A margin is what makes a signal findable by the technique taught, whatever the seed: the planted
pair of plates passes together CONVOY_PASSAGES times while no other pair does more than
CONVOY_RIVAL_MAX times, and so on.
"""
from __future__ import annotations

# broker: the cross-border network's broker is the only link between the cell abroad and home
BROKER_BETWEENNESS_TOP = 3  # his betweenness is among the 3 highest of the call network...
BROKER_DEGREE_NOT_TOP = 5  # ...while his degree is not among the 5 highest
BROKER_HOME_CONTACTS = 3  # personal contacts at home besides his network

# decoy: a busy innocent trader with MORE raw betweenness than the broker but so many contacts that his
# betweenness per contact is lower: ranking by raw betweenness (or betweenness / closeness) points at him
DECOY_CONTACTS = (70, 90)  # contacts across the country, from, up to excluded (a hub has about 30)

# degree tie: the lines at these ranks of degree (1-based, highest first) have the same degree, so the
# top 5 by degree depends on breaking ties by msisdn
DEGREE_TIE_RANKS = (4, 6)

# sim_swap: one handset, several SIMs in turn, each taking over at an equal share of the period
SIM_SWAP_SIMS = 3

# handset_change: the courier's number moves to a new handset at this share of the period
HANDSET_CHANGE_AT = 0.5

# co_location: two couriers' phones call from the same antenna within minutes
COLOCATION_OCCASIONS = 8  # days on which they do, each in one town
COLOCATION_TOWNS = 4  # different towns among those occasions (at least)
COLOCATION_CALLS_EACH = 2  # calls by each phone on an occasion
COLOCATION_WINDOW_S = 600  # all calls of an occasion fall within this many seconds
COLOCATION_RIVAL_TOWNS = 2  # no other pair of phones shares an antenna within the window in more towns

# structuring: a financier keeps every transfer just under the reporting threshold
STRUCTURING_TRANSFERS = 14
STRUCTURING_BAND = (0.90, 0.995)  # each amount, as a share of the threshold: from 90 % up to 99.5 %
STRUCTURING_WATCH = 0.80  # "just under the threshold", as a participant scans it: from 80 % up to 100 %
STRUCTURING_RIVAL_MAX = 2  # no other sender makes more transfers in the watched band

# money (exercise 09): cases that tell the counts taught from their wrong neighbours, whatever the seed
MONEY_TRADER_TRANSFERS = 8  # the busy trader (the decoy) pays his suppliers this many times...
MONEY_TRADER_BAND = (2.0, 3.0)  # ...each from 2 up to 3 times the threshold: reported, legal, more money in all
MONEY_ABOVE_RIVAL_MAX = 2  # no other sender makes more transfers at or above the threshold
MONEY_FAN_MARGIN = 5  # the fan-in and fan-out accounts lead every other by this many different counterparts,
# while the busiest account by number of transfers leads them by this many transfers
MONEY_SMALL_BAND = (0.01, 0.10)  # amounts of the fan and extra transfers, as a share of the threshold
MONEY_CROSS_OUT = 5  # the cross-border network's broker sends this many transfers to the cell abroad...
MONEY_CROSS_IN = 2  # ...and the cell sends this many back to him
MONEY_CROSS_BAND = (0.20, 0.60)  # their amounts, as a share of the threshold

# convoy: two plates of one network pass checkpoints together
CONVOY_PASSAGES = 6  # joint passages, each at a checkpoint on a different day
CONVOY_GAP_S = (60, 480)  # the second plate passes this many seconds after the first (from, up to excluded)
CONVOY_WINDOW_S = 600  # window in which passages at one post count as "together"
CONVOY_RIVAL_MAX = 2  # no other pair of plates passes together (same post, same day) more often

# cross_border_cell: round trips of each cell member through the post leading to their country
CELL_TRIPS = (4, 7)  # from, up to excluded; each trip is an exit and an entry (or the reverse)

# falsified_medicine: market test purchases of 'anti-fatigue' pills found to contain drugs
PILL_PURCHASES_MIN = 5

# pill reports: of the pill network's market reports (the sellers, the client taken ill), this many answer
# no requirement (the source spoke unprompted), so the reports that mention the pills are never exactly the
# answers to the pill requirement (exercise 14 part 2)
PILL_REPORTS_UNPROMPTED = 1

# ACH (exercise 10): reports on the pills planted after the others (intel._plant_ach) so that ranking the routes by
# most confirmations (C) names another route than Heuer's rule (fewest inconsistencies, I), and one item is the
# same for every route
ACH_LEAD = 1  # the decoy route leads every other by this many C; Heuer's leader has this many I fewer than any other
ACH_PLANTED_MAX = 8  # at most this many reports naming towns are planted for that
ACH_NON_DIAGNOSTIC = 1  # reports on the pills that name no town: neutral (N) for every route

# inconsistent_grading: reports whose source grade is not the one the source's record allows
INCONSISTENT_REPORTS = 5  # graded better than the record allows
INCONSISTENT_TOO_LOW = 2  # graded worse: an A source graded B, a B source graded C
INCONSISTENT_SHARE_MAX = 0.10  # of all reports: the exceptions stay exceptions

# collation: different people sharing a birth date or a phone (relatives, a shop's phone) in the
# narcotics service's extract, and between the investigation service's extract and it
COLLATION_KEY_ONLY_PRECISION = 0.85  # matching on a key alone, without the names, stays below this precision
COLLATION_NAME_ONLY_PRECISION = 0.90  # homonyms: matching on the normalised name alone stays below this precision
COLLATION_CONFUSER_SCORE_MAX = 75  # their normalised names score at most this (token_sort_ratio; exercise 03 keeps 90)

# exercise 12: the foreign partner misspells by one letter a few people it shares with the narcotics service
# (birth dates written alike, no phone read alike), so a fuzzy comparison of the names in clear finds pairs
# that exact keyed digests miss
EXCHANGE_TYPOS = 3  # people misspelt so (at least this many such pairs)
EXCHANGE_TYPO_SCORE_MIN = 90  # their normalised names still score at least this (token_sort_ratio; module 03's)


def whole_minutes(seconds: int) -> int:
    """480 -> 8: whole minutes, rounded up, so that 'within N minutes' stays true."""
    return -(-seconds // 60)


def minutes(seconds: int) -> str:
    """480 -> '8 minutes'."""
    return f"{whole_minutes(seconds)} minutes"


def percent(share: float) -> str:
    """0.995 -> '99.5 %'."""
    return f"{round(share * 100, 4):g} %"


def count_words(n: int) -> str:
    """3 -> 'three', for texts that read better in words (numbers above ten stay digits)."""
    words = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
    return words[n] if 0 <= n < len(words) else str(n)


def handset_change_when() -> str:
    """When the courier changes handset, in words."""
    return "half-way" if HANDSET_CHANGE_AT == 0.5 else f"at {percent(HANDSET_CHANGE_AT)} of the period"


# boundary sources (exercise 02 part 1): track records (reports_total, reports_confirmed, reports_false) on
# each edge of the grading rule (intel._expected_grade), each with the wrong reading it tells apart
BOUNDARY_SOURCES = (
    (5, 5, 0),  # exactly 5 reports: A, not X ("5 reports or fewer" would say X)
    (20, 18, 0),  # exactly 90 % confirmed, none false: A ("more than 90 %" would say B)
    (20, 12, 1),  # exactly 60 % confirmed, 5 % false: B ("more than 60 %" would say C)
    (30, 24, 3),  # 80 % confirmed, exactly 10 % false: B ("less than 10 % false" would say C)
    (20, 19, 1),  # 95 % confirmed but one false: B (forgetting "none false" would say A)
    (20, 13, 3),  # 65 % confirmed but 15 % false: C (forgetting "at most 10 % false" would say B)
)

# shuttle (exercise 00 part 2): a few vehicles cross one post so often that it has the most passages while
# another post sees more different vehicles: counting plates instead of rows names another post
SHUTTLE_VEHICLES = 2
SHUTTLE_LEAD = 15  # passages (or, when cheaper, plates) by which the planted post leads (at least)

# exercise 07: the latest seizure naming a person and a vehicle is a network courier's, and the calls of
# the hours before it tell a chain of calls in time order from any path in the call graph
SEIZURE_WINDOW_HOURS = 48

# source details (exercise 11 part 1): reports of human sources that carry what only the source could know, in
# fixed forms (intel.PLACE_TIME_FORM, intel.WORDS_FORM) that a sanitiser is taught to remove or generalise.
# Each pair counts (reports not graded H3, reports graded H3), taken in a fixed order (intel._source_details).
SOURCE_PLACE_TIME_REPORTS = (10, 2)  # an exact time and a precise place: "à 05 h 40, derrière la gare, à Kati."
SOURCE_WORDS_REPORTS = (6, 1)  # the source's own words, quoted: "Mots de la source : « ... »."
