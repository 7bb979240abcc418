import math
from pathlib import Path

import pytest

from newstrace.cli import main
from newstrace.pan import Case, read_cases, score

from conftest import shared_path


def case(s0, s1, r0, r1, susp="s.txt", src="r.txt"):
    return Case(susp, src, s0, s1, r0, r1)


def test_score_half_detected_case():
    s = score([case(0, 100, 0, 100)], [case(0, 50, 0, 50)])
    assert (s.precision, s.recall, s.granularity) == (1.0, 0.5, 1.0)
    assert s.plagdet == pytest.approx(2 / 3, abs=1e-4)


def test_score_granularity_penalises_split_detections():
    s = score([case(0, 100, 0, 100)], [case(0, 50, 0, 50), case(50, 100, 50, 100)])
    assert (s.precision, s.recall, s.granularity) == (1.0, 1.0, 2.0)
    assert s.plagdet == pytest.approx(1 / math.log2(3), abs=1e-4)


def test_score_detection_without_case_is_a_false_positive():
    s = score([case(0, 100, 0, 100)], [case(0, 100, 0, 100), case(500, 600, 500, 600)])
    assert s.precision == 0.5 and s.recall == 1.0
    # A detection must overlap the case in both documents to count.
    s = score([case(0, 100, 0, 100)], [case(0, 100, 300, 400)])
    assert s.recall == 0.0 and s.precision == 0.0


def make_corpus(root: Path) -> Path:
    host = ["The county fair opened with a parade of tractors and a band from the high school.",
            "Forecasters warned of heavy snow in the mountain passes and told drivers to carry chains.",
            "The library will stay open late on Thursdays through the winter, the board decided.",
            "A new bakery on Mill Street sold out of bread by nine o'clock on its opening morning.",
            "Voters in the third ward will choose a new alderman in a special election next month."]
    passage = ("Secretary of State John Kerry said the United States would work with Russia and its "
               "allies to defend the ceasefire agreed in Geneva after three days of talks.")
    spun = passage.replace("United States", "USA").replace("talks", "negotiations")
    for d in ("susp", "src", "02-verbatim", "01-no-plagiarism"):
        (root / d).mkdir(parents=True)
    (root / "susp" / "suspicious-document00001.txt").write_text(host[0] + " " + spun + " " + host[1])
    (root / "src" / "source-document00001.txt").write_text(host[2] + " " + passage)
    (root / "susp" / "suspicious-document00002.txt").write_text(host[3])
    (root / "src" / "source-document00002.txt").write_text(host[4])
    (root / "pairs").write_text("suspicious-document00001.txt source-document00001.txt\n"
                                "suspicious-document00002.txt source-document00002.txt\n")
    so = len(host[2]) + 1
    to = len(host[0]) + 1
    (root / "02-verbatim" / "suspicious-document00001-source-document00001.xml").write_text(
        f'<document reference="suspicious-document00001.txt"><feature name="plagiarism" '
        f'this_offset="{to}" this_length="{len(spun)}" source_reference="source-document00001.txt" '
        f'source_offset="{so}" source_length="{len(passage)}"/></document>')
    (root / "01-no-plagiarism" / "suspicious-document00002-source-document00002.xml").write_text(
        '<document reference="suspicious-document00002.txt"></document>')
    return root


@pytest.mark.parametrize("collection", [False, True])
def test_pan_detect_and_score_commands(tmp_path, capsys, collection):
    corpus = make_corpus(tmp_path / "corpus")
    out = tmp_path / "out"
    args = ["-q", "pan", "detect", str(corpus), "--out", str(out)] + (["--collection"] if collection else [])
    assert main(args) == 0
    (det,) = read_cases(out / "suspicious-document00001-source-document00001.xml", "detected-plagiarism")
    (gold,) = read_cases(corpus / "02-verbatim" / "suspicious-document00001-source-document00001.xml")
    assert (det.susp_start, det.susp_end, det.src_start, det.src_end) == \
        (gold.susp_start, gold.susp_end, gold.src_start, gold.src_end)
    capsys.readouterr()
    assert main(["pan", "score", str(corpus), str(out)] + (["--collection"] if collection else [])) == 0
    table = capsys.readouterr().out
    overall = [line for line in table.splitlines() if line.startswith("overall")][0].split()
    assert float(overall[4]) == 1.0


def test_spinbench_pairwise_meets_the_floors(tmp_path):
    """The quality gate: plagdet floors on spinbench-dev (see bench/eval_gate.py)."""
    import sys
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from eval_gate import FLOORS, check

    corpus = shared_path("data", "spinbench-dev")
    failures, rows = check(corpus, tmp_path / "det")
    assert not failures, failures
    assert rows["overall"].plagdet >= FLOORS["overall"]
