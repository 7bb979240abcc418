"""Reports that hold on OCR'd newspaper text: a word broken across a line is one word, the
scanner's garbles are noise rather than spin, and no report contradicts itself."""

import re

from newstrace.align import Document, align
from newstrace.cli import main
from newstrace.normalize import token_columns, unbroken

from conftest import EXAMPLES, write_jsonl

WIRE = ("Washington, Feb. 14. President Wilson today formally gave his consent that his name be used as a "
        "candidate for renomination. In a letter to the secretary of state of Ohio he said he was unwilling to "
        "enter a contest for the nomination but was ready to permit the use of his name in the primary election. "
        "The letter was made public at the White House this afternoon, and the leaders of the party in congress "
        "received it with great satisfaction, saying that it removed the last doubt about the campaign.")
# Two papers' scans of the wire story: lines broken inside words (a hyphen at a line's end, a
# soft hyphen), and different garbles of the same words.
SCAN_A = WIRE.replace("formally", "for-\nmally").replace("unwilling", "unwill\xad ing").replace(
    "satisfaction", "satis-\nfaction").replace("President", "Presi- dent").replace("Ohio", "0hio").replace(
    "permit", "per-\nmit").replace("afternoon", "aftern0on").replace("renomination", "re-\nnomination")
SCAN_B = WIRE.replace("campaign", "cam-\npaign").replace("secretary", "secre\xadtary").replace(
    "leaders", "lead-\ners").replace("In a", "cial a").replace("nomination but", "nominat ion but").replace(
    "primary", "prirnary").replace("doubt", "dovbt")


def test_a_word_broken_across_a_line_is_one_word_with_offsets_into_the_text():
    for text, whole in (("the Rail-\nroad company", "Railroad"), ("dur\xad ing the war", "during"),
                        ("a unani\xadmous vote", "unanimous")):
        starts, ends, keys = token_columns(text)
        words = [text[s:e] for s, e in zip(starts, ends)]
        assert any(unbroken(w) == whole for w in words), words
        assert len(keys) == len(text.replace("\xad ", "\xad").replace("-\n", "").split())
    # A capital after the break is a second name, not the rest of a word.
    starts, _, _ = token_columns("Jan-\nMayen")
    assert len(starts) == 2


def test_broken_words_align_exactly_with_the_word_written_whole():
    a, b = Document.from_text("a", WIRE), Document.from_text("b", SCAN_A.replace("0hio", "Ohio").replace(
        "aftern0on", "afternoon"))
    (passage,) = align(a, b)
    assert passage.substituted == passage.variant == 0, [o for o in passage.ops if o.kind != "exact"]


def _traced(tmp_path, capsys, records, *flags) -> str:
    write_jsonl(tmp_path / "in.jsonl", records)
    assert main(["-q", "trace", str(tmp_path / "in.jsonl"), "--speakers", "rules", "--all", *flags]) == 0
    return capsys.readouterr().out


def test_two_scans_of_one_wire_story_show_no_spin(tmp_path, capsys):
    out = _traced(tmp_path, capsys, [
        {"id": "a", "source": "The Ogden standard.", "published": "1916-02-14", "text": SCAN_A},
        {"id": "b", "source": "Norwich bulletin.", "published": "1916-02-15", "text": SCAN_B}])
    assert "copied from a" in out or "from 1 earliest source(s): a" in out, out
    spin = re.findall(r"spin rate (\S+);", out)
    assert spin in ([], ["0%"]), out
    assert "\\xad" not in out and "'cial'" not in out


def _contradictions(report_text: str) -> list[str]:
    """What one article's text report says against itself."""
    found = []
    m = re.search(r"originality (\S+): (\S+) of the text appeared earlier elsewhere, from (\d+) earliest", report_text)
    if m:
        originality, reused, sources = m.group(1), m.group(2), int(m.group(3))
        if sources and (originality == "100%" or reused == "0%"):
            found.append(f"originality {originality} with {sources} earliest source(s)")
        if not sources and reused != "0%":
            found.append(f"{reused} reused with no earliest source")
    for copy_word, source_word in re.findall(r"'([^']*)' for '([^']*)'", report_text.split("swaps against", 1)[-1]
                                             .split("\n", 1)[0]):
        if unbroken(copy_word).casefold() == unbroken(source_word).casefold():
            found.append(f"a swap that is the same word: {copy_word!r} for {source_word!r}")
    return found


def test_no_report_of_a_traced_sample_contradicts_itself(tmp_path, capsys):
    page = " ".join(f"Local news item {k}: the county board met on {k} March and took no action." for k in range(2500))
    out = _traced(tmp_path, capsys, [
        {"id": "wire", "source": "Wire", "published": "1916-02-14", "text": WIRE},
        # One paragraph of the wire story in a page of 200,000 characters: reused, if little.
        {"id": "page", "source": "Bee", "published": "1916-02-15", "text": page + "\n\n" + SCAN_B},
        {"id": "scan", "source": "Star", "published": "1916-02-16", "text": SCAN_A}])
    reports = out.split("\n" + "=" * 100 + "\n")[1:]
    assert len(reports) == 3
    for report in reports:
        assert not _contradictions(report), report[:600]
    page_report = next(r for r in reports if r.startswith("page:"))
    assert "originality >99%: <1% of the text appeared earlier elsewhere, from 1 earliest source(s)" in page_report


def test_no_report_of_the_examples_contradicts_itself(tmp_path, capsys):
    assert main(["-q", "trace", str(EXAMPLES), "--speakers", "rules", "--all"]) == 0
    reports = capsys.readouterr().out.split("\n" + "=" * 100 + "\n")[1:]
    assert len(reports) == 22
    for report in reports:
        assert not _contradictions(report), report[:600]
