"""Phone numbers as services write them, whatever the length of the country's calling code."""
from __future__ import annotations

import pytest

from sahelkit.generator.numbering import format_msisdn


@pytest.mark.parametrize("e164,spaced,national", [
    ("+22310482931", "+223 10 48 29 31", "10482931"),      # three-digit calling code (Mali)
    ("+2201012345", "+220 10 12 34 5", "1012345"),          # seven-digit national numbers (Gambia)
    ("+447700900123", "+44 77 00 90 01 23", "7700900123"),  # two-digit calling code
    ("+12025550100", "+1 20 25 55 01 00", "2025550100"),    # one-digit calling code
])
def test_the_calling_code_is_read_from_the_number(e164, spaced, national):
    assert format_msisdn(e164, "e164_spaced") == spaced
    assert format_msisdn(e164, "national") == national
    assert format_msisdn(e164, "intl_00") == "00" + e164[1:]
