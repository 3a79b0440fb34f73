"""load() parses each table once per process but every caller gets its own copy: a participant
who changes a table must not change what a hidden test reloads to check the answer."""
import sahelkit


def test_changes_to_a_loaded_case_do_not_leak_into_the_next_load():
    first = sahelkit.load("mali")
    original = first.calls.loc[0, "caller"]
    first.calls.loc[0, "caller"] = "+000"
    first.persons["full_name"] = "CHANGED"
    first.extracts[next(iter(first.extracts))].loc[0, "name"] = "CHANGED"
    second = sahelkit.load("mali")
    assert second.calls.loc[0, "caller"] == original
    assert "CHANGED" not in set(second.persons["full_name"])
    assert "CHANGED" not in set(second.extracts[next(iter(second.extracts))]["name"])
