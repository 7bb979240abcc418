"""Read PAN text-alignment corpora, write detections, and score them (Potthast et al., 2010).

A corpus is laid out as in PAN 2013: a ``pairs`` file, ``susp/`` and ``src/``
folders of documents, optionally ``distractors/``, and one folder of gold XML per
kind of reuse. Scores are the character-level macro precision and recall,
granularity and plagdet of "An Evaluation Framework for Plagiarism Detection".
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import quoteattr

from .errors import InputError
from .model import Alignment

# The judgements that are text reuse, as PAN counts it: formulas and templates are not; a
# quotation both articles took from its speaker, or a phrase too short for a claim, is no
# claim that one copied the other, but it is text they share.
SHARED_TEXT = ("copy", "phrase", "quotation")  # not "restated": the same facts in other words


@dataclass(frozen=True, slots=True)
class Case:
    """A plagiarism case or detection: character ranges in a suspicious and a source document."""

    susp: str
    src: str
    susp_start: int
    susp_end: int
    src_start: int
    src_end: int


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float
    recall: float
    granularity: float
    plagdet: float
    cases: int
    detections: int


def read_document(path: Path) -> str:
    """Read one corpus document exactly as PAN offsets count it (UTF-8, newlines kept)."""
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            return fh.read()
    except UnicodeDecodeError as exc:
        raise InputError(str(path), None, f"not valid UTF-8 at byte {exc.start}") from exc
    except OSError as exc:
        raise InputError(str(path), None, f"cannot read: {exc.strerror}") from exc


def read_pairs(corpus: Path) -> list[tuple[str, str]]:
    """Read the ``pairs`` file: (suspicious, source) document names.

    A corpus without one (the PAN-PC-09/11 layout) pairs every suspicious document
    with every source document.
    """
    path = corpus / "pairs"
    if not path.exists():
        return [(s.name, r.name) for s in sorted(susp_folder(corpus).glob("*.txt"))
                for r in sorted(src_folder(corpus).glob("*.txt"))]
    pairs = []
    for number, line in enumerate(read_document(path).splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 2:
            raise InputError(str(path), number, "expected two document names", "SUSP SRC per line")
        pairs.append((parts[0], parts[1]))
    return pairs


def susp_folder(corpus: Path) -> Path:
    for name in ("susp", "suspicious-documents"):
        if (corpus / name).is_dir():
            return corpus / name
    return corpus / "susp"


def src_folder(corpus: Path) -> Path:
    for name in ("src", "source-documents"):
        if (corpus / name).is_dir():
            return corpus / name
    return corpus / "src"


def kind_folders(corpus: Path) -> list[Path]:
    """The gold folders: every folder holding XML files named SUSP-SRC.xml."""
    return sorted(p for p in corpus.iterdir()
                  if p.is_dir() and any(p.glob("*-*.xml")) and p.name not in {"susp", "src"})


_FEATURE = re.compile(r"<feature\b([^>]*)/?>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')


def read_cases(xml_path: Path, name: str = "plagiarism") -> list[Case]:
    """Read the features called ``name`` from one PAN XML file."""
    try:
        root = ET.parse(xml_path).getroot()
    except (ET.ParseError, OSError) as exc:
        raise InputError(str(xml_path), None, f"not a PAN XML file: {exc}") from exc
    susp = root.get("reference", "")
    cases = []
    for feature in root.iter("feature"):
        if feature.get("name") != name:
            continue
        to, tl = int(feature.get("this_offset")), int(feature.get("this_length"))
        so, sl = int(feature.get("source_offset")), int(feature.get("source_length"))
        cases.append(Case(susp, feature.get("source_reference", ""), to, to + tl, so, so + sl))
    return cases


def write_detections(path: Path, susp: str, src: str, alignments: list[Alignment]) -> None:
    """Write one detection XML; each alignment's ``a`` side lies in ``susp``."""
    lines = [f"<document reference={quoteattr(susp)}>"]
    for al in sorted(alignments, key=lambda x: (x.a.start, x.b.start)):
        lines.append(
            f'<feature name="detected-plagiarism" this_offset="{al.a.start}" '
            f'this_length="{al.a.end - al.a.start}" source_reference={quoteattr(src)} '
            f'source_offset="{al.b.start}" source_length="{al.b.end - al.b.start}"/>'
        )
    lines.append("</document>")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _covered(lo: int, hi: int, ranges: list[tuple[int, int]]) -> int:
    """Characters of [lo, hi) covered by the union of ``ranges``."""
    clipped = sorted((max(lo, a), min(hi, b)) for a, b in ranges if a < hi and b > lo)
    total, cur_lo, cur_hi = 0, None, None
    for a, b in clipped:
        if cur_hi is None or a > cur_hi:
            if cur_hi is not None:
                total += cur_hi - cur_lo
            cur_lo, cur_hi = a, b
        else:
            cur_hi = max(cur_hi, b)
    if cur_hi is not None:
        total += cur_hi - cur_lo
    return total


def _detects(r: Case, s: Case) -> bool:
    return (r.susp == s.susp and r.src == s.src
            and r.susp_start < s.susp_end and s.susp_start < r.susp_end
            and r.src_start < s.src_end and s.src_start < r.src_end)


def _overlap_share(x: Case, others: list[Case]) -> float:
    """Share of x's characters (both sides) covered by ``others`` that overlap it."""
    hit = [o for o in others if _detects(o, x)]
    if not hit:
        return 0.0
    covered = (_covered(x.susp_start, x.susp_end, [(o.susp_start, o.susp_end) for o in hit])
               + _covered(x.src_start, x.src_end, [(o.src_start, o.src_end) for o in hit]))
    return covered / ((x.susp_end - x.susp_start) + (x.src_end - x.src_start))


def score(cases: list[Case], detections: list[Case]) -> Scores:
    """PAN character-level macro precision, recall, granularity and plagdet."""
    by_pair_d: dict[tuple[str, str], list[Case]] = defaultdict(list)
    by_pair_c: dict[tuple[str, str], list[Case]] = defaultdict(list)
    for d in detections:
        by_pair_d[d.susp, d.src].append(d)
    for c in cases:
        by_pair_c[c.susp, c.src].append(c)
    recall = (sum(_overlap_share(c, by_pair_d[c.susp, c.src]) for c in cases) / len(cases)
              if cases else 1.0)
    precision = (sum(_overlap_share(d, by_pair_c[d.susp, d.src]) for d in detections) / len(detections)
                 if detections else 1.0)
    detected = [sum(1 for d in by_pair_d[c.susp, c.src] if _detects(d, c)) for c in cases]
    detected = [n for n in detected if n]
    granularity = sum(detected) / len(detected) if detected else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(round(precision, 4), round(recall, 4), round(granularity, 4),
                  round(f1 / math.log2(1 + granularity), 4), len(cases), len(detections))


def gold(corpus: Path) -> dict[str, tuple[list[Case], set[tuple[str, str]] | None]]:
    """The gold cases per kind, with the pairs each kind covers.

    PAN 2013 layout: one folder per kind, one XML per listed pair. PAN-PC-09/11
    layout (no ``pairs`` file; one XML per suspicious document beside it): one kind,
    "all", covering every pair (None), since every pair is compared.
    """
    kinds: dict[str, tuple[list[Case], set[tuple[str, str]] | None]] = {}
    if (corpus / "pairs").exists():
        for folder in kind_folders(corpus):
            cases: list[Case] = []
            pairs: set[tuple[str, str]] = set()
            for xml in sorted(folder.glob("*.xml")):
                susp, _, src = xml.stem.partition("-source")
                pairs.add((susp + ".txt", "source" + src + ".txt"))
                cases.extend(read_cases(xml))
            kinds[folder.name] = (cases, pairs)
    else:
        cases = [c for xml in sorted(susp_folder(corpus).glob("*.xml")) for c in read_cases(xml)]
        kinds["all"] = (cases, None)
    return kinds


def score_corpus(corpus: Path, detections_dir: Path, collection: bool = False) -> dict[str, Scores]:
    """Score a folder of detection XML against a corpus, per kind and overall.

    Detections are matched to cases by the documents their features name. Without
    ``collection``, only detections in pairs the gold lists are scored; with it,
    the overall row counts every detection, so reuse found between documents that
    share nothing in the gold is a false positive.
    """
    found: dict[tuple[str, str], list[Case]] = defaultdict(list)
    for xml in sorted(detections_dir.glob("*.xml")):
        for d in read_cases(xml, "detected-plagiarism"):
            found[d.susp, d.src].append(d)
    rows: dict[str, Scores] = {}
    all_cases: list[Case] = []
    listed: set[tuple[str, str]] = set()
    every_pair = False
    for kind, (cases, pairs) in gold(corpus).items():
        if pairs is None:
            every_pair = True
            kind_found = [d for ds in found.values() for d in ds]
        else:
            listed |= pairs
            kind_found = [d for pair in sorted(pairs) for d in found.get(pair, ())]
        rows[kind] = score(cases, kind_found)
        all_cases += cases
    if collection or every_pair:
        overall_found = [d for ds in found.values() for d in ds]
    else:
        overall_found = [d for pair in sorted(listed) for d in found.get(pair, ())]
    rows["overall"] = score(all_cases, overall_found)
    return rows


def format_scores(rows: dict[str, Scores]) -> str:
    """Render score rows as an aligned plain-text table."""
    head = f"{'kind':<20} {'prec':>7} {'rec':>7} {'gran':>7} {'plagdet':>8} {'cases':>6} {'dets':>6}"
    lines = [head]
    for name, s in rows.items():
        lines.append(f"{name:<20} {s.precision:7.4f} {s.recall:7.4f} {s.granularity:7.4f} "
                     f"{s.plagdet:8.4f} {s.cases:6d} {s.detections:6d}")
    return "\n".join(lines)


def detect_pairs(corpus: Path, out: Path, settings=None, aliases=None) -> int:
    """Align every listed pair of a PAN corpus and write one detection XML per pair.

    Returns the number of passages written.
    """
    from .align import Document, align
    from .normalize import load_aliases
    from .settings import Settings
    from .provenance import judge_passages

    settings = settings or Settings()
    aliases = aliases or load_aliases(settings.aliases)
    out.mkdir(parents=True, exist_ok=True)
    docs: dict[Path, Document] = {}

    def document(path: Path) -> Document:
        if path not in docs:
            docs[path] = Document.from_text(path.name, read_document(path), aliases)
        return docs[path]

    written = 0
    for susp, src in read_pairs(corpus):
        a = document(susp_folder(corpus) / susp)
        b = document(src_folder(corpus) / src)
        # Without the collection's phrase counts, only the background table judges.
        passages = align(a, b, settings) if a.id != b.id else []
        judged, _ = judge_passages(passages, texts=lambda ids, a=a, b=b: {d.id: d.text for d in (a, b) if d.id in ids})
        found = [al for al, j in zip(passages, judged) if j.kind in SHARED_TEXT]
        write_detections(out / f"{Path(susp).stem}-{Path(src).stem}.xml", susp, src, found)
        written += len(found)
    return written


def collection_documents(corpus: Path) -> dict[str, str]:
    """Every document of a corpus by file name, with the folder it came from."""
    folders = [susp_folder(corpus), src_folder(corpus), corpus / "distractors"]
    found: dict[str, str] = {}
    for folder in folders:
        if folder.is_dir():
            for path in sorted(folder.glob("*.txt")):
                found.setdefault(path.name, folder.name)
    return found


def detect_collection(corpus: Path, out: Path, settings=None, progress=None, stats: dict | None = None
                      ) -> tuple[int, int]:
    """Ingest every document of a corpus as one collection, find reuse without the pairs
    list, and write one detection XML per (suspicious, source) pair with passages.

    Returns (files written, passages written); ``stats``, if given, receives the
    detection summary.
    """
    import tempfile

    from .model import Article, IngestSummary, Origin
    from .pipeline import batches, detect_reuse, judged_alignments
    from .settings import Settings
    from .store import open_store

    settings = settings or Settings()
    out.mkdir(parents=True, exist_ok=True)
    docs = collection_documents(corpus)
    susp_name = susp_folder(corpus).name
    with tempfile.TemporaryDirectory(prefix="newstrace-pan-") as tmp, \
            open_store(Path(tmp) / "collection.db") as store:
        articles = (Article(id=name, text=read_document(corpus / folder / name),
                            origin=Origin(str(corpus / folder / name))) for name, folder in docs.items())
        for batch in batches(articles, settings.batch_size):
            store.add_batch(batch, None, IngestSummary())
        summary = detect_reuse(store, settings, progress or (lambda *a: None))
        if stats is not None:
            stats.update(summary.as_dict(), seconds=summary.seconds)
        by_pair: dict[tuple[str, str], list[Alignment]] = defaultdict(list)
        for al, judged in judged_alignments(store, settings):
            if judged.kind not in SHARED_TEXT:
                continue
            a_susp, b_susp = docs[al.a.article] == susp_name, docs[al.b.article] == susp_name
            if b_susp and not a_susp:
                al = al.swapped()
            by_pair[al.a.article, al.b.article].append(al)
    for (susp, src), found in sorted(by_pair.items()):
        write_detections(out / f"{Path(susp).stem}-{Path(src).stem}.xml", susp, src, found)
    return len(by_pair), sum(len(v) for v in by_pair.values())
