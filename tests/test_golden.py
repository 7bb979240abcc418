"""The outputs of examples/, the seeds and spinbench-dev match their recorded digests (tests/golden.py):
a change meant to leave behaviour alone leaves every table, report and API answer as it was.
After a change meant to alter outputs, record anew with `python tests/golden.py --update`."""

import json

import pytest

from golden import DIGESTS, collections, digests


@pytest.mark.parametrize("name", ["examples", "seeds", "spinbench-dev"])
def test_outputs_match_their_recorded_digests(name):
    recorded = json.loads(DIGESTS.read_text("utf-8"))
    found = collections()
    if name not in found:
        pytest.skip(f"needs {name} of ../shared (the shared data folder beside the project); it is absent")
    now = digests({name: found[name]})[name]
    changed = sorted(k for k in recorded[name].keys() | now.keys() if recorded[name].get(k) != now.get(k))
    assert not changed, f"outputs changed: {changed[:20]} (record anew with python tests/golden.py --update " \
                        "if the change is meant)"
