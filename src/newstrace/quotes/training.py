"""Fitting the attribution models of :mod:`.learned` to annotated articles.

Every gold attribution (cue, source and content spans, character offsets) becomes
examples for the six models: the cue model sees every word of a paragraph (is it the
head of a cue?); the source and content models see, for each gold cue, the candidate
words with the gold one marked; the extent model sees the words around a gold cue's
head (inside the cue or not); the content start and end models, the words a content
may start and end at, with the gold ones marked. Each is fitted by L2-regularised logistic
regression with L-BFGS (a yes/no per word, or a softmax over a cue's candidates). Needs
numpy and scipy, which reading a model does not.
"""

from __future__ import annotations

import random
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.optimize import minimize

from .learned import (PARTS, AttributionModel, LinearModel, boundary_features, content_bounds, content_candidates,
                      cue_features, extent_features,
                      extent_window, null_source_features, pair_features, quoted_tokens, source_candidates)


def first_annotators(root: Path, split: str) -> dict[str, Path]:
    """Each article of a PolNeAR split (``root/split``) and its first annotator's brat file."""
    anns: dict[str, Path] = {}
    for ann in sorted((root / split / "attributions").glob("*.ann")):
        anns.setdefault(ann.stem.rsplit("_", 1)[0], ann)
    return anns


def read_brat(path: Path) -> list[dict]:
    """The attributions of a brat standoff file (PolNeAR's form): one dict per ``E`` line,
    from its roles (Source, Cue, Content, …) to their character spans, a discontinuous
    span as several (start, end) pieces."""
    spans: dict[str, list[tuple[int, int]]] = {}
    events = []
    for line in path.read_text("utf-8").splitlines():
        if line.startswith("T") and line.count("\t") >= 2:
            tid, mid, _ = line.split("\t", 2)
            _, _, offsets = mid.partition(" ")
            spans[tid] = [tuple(map(int, p.split())) for p in offsets.split(";")]
        elif line.startswith("E") and "\t" in line:
            roles = dict(p.split(":", 1) for p in line.split("\t")[1].split() if ":" in p)
            events.append({role: spans[t] for role, t in roles.items() if t in spans})
    return events


_PREFER = {"VERB": 0, "AUX": 1, "NOUN": 2, "PROPN": 2, "PRON": 2, "ADP": 3}


@dataclass
class Examples:
    """Feature lists with labels: for the cue model one
    row per word; for the choice models one group of rows per cue, with the index of the
    gold row."""

    cue_rows: list[list[str]] = field(default_factory=list)
    cue_labels: list[int] = field(default_factory=list)
    source_groups: list[list[list[str]]] = field(default_factory=list)
    source_gold: list[int] = field(default_factory=list)
    content_groups: list[list[list[str]]] = field(default_factory=list)
    content_gold: list[int] = field(default_factory=list)
    cue_extent_rows: list[list[str]] = field(default_factory=list)
    cue_extent_labels: list[int] = field(default_factory=list)
    content_start_groups: list[list[list[str]]] = field(default_factory=list)
    content_start_gold: list[int] = field(default_factory=list)
    content_end_groups: list[list[list[str]]] = field(default_factory=list)
    content_end_gold: list[int] = field(default_factory=list)

    def extend(self, other: Examples) -> None:
        for name in self.__dataclass_fields__:
            getattr(self, name).extend(getattr(other, name))


def paragraphs(text: str) -> list[tuple[int, str]]:
    out, lo = [], 0
    for p in text.split("\n"):
        if p.strip():
            out.append((lo, p))
        lo += len(p) + 1
    return out


def _covered(doc, offset: int, spans) -> list:
    return [t for t in doc if any(s < offset + t.idx + len(t.text) and offset + t.idx < e for s, e in spans)]


def _head(tokens, by_size: bool = False):
    """The token of a gold span that governs it: its head lies outside the span."""
    ids = {t.i for t in tokens}
    tops = [t for t in tokens if t.head.i not in ids or t.head.i == t.i]
    if not tops:
        return None
    if by_size:
        return max(tops, key=lambda t: (t.right_edge.i - t.left_edge.i, -t.i))
    return min(tops, key=lambda t: (_PREFER.get(t.pos_, 4), t.i))


def add_examples(ex: Examples, doc, offset: int, gold: list[dict], counts: Counter) -> None:
    quoted = quoted_tokens(doc)
    end = offset + len(doc.text)
    heads, inside = {}, set()
    for ev in gold:
        cue_spans = ev["Cue"]
        if not (offset <= cue_spans[0][0] < end):
            continue
        tokens = _covered(doc, offset, cue_spans)
        cue = _head(tokens)
        if cue is None:
            continue
        counts["cues"] += 1
        inside.update(t.i for t in tokens)
        heads[cue.i] = cue
        _extent_examples(ex, cue, {t.i for t in tokens})
        source_spans = ev.get("Source")
        cands = source_candidates(cue)
        src = None
        if not source_spans:
            gold_k = len(cands)  # the null choice, last
        else:
            src = _head(_covered(doc, offset, source_spans))
            gold_k = next((k for k, c in enumerate(cands) if src is not None and c.i == src.i), None)
        if gold_k is None:
            counts["source out of reach"] += 1
        else:
            ex.source_groups.append([pair_features(cue, c, quoted, "source") for c in cands]
                                    + [null_source_features(cue)])
            ex.source_gold.append(gold_k)
        cands = content_candidates(cue)
        covered = _covered(doc, offset, ev["Content"])
        content = _head(covered, by_size=True)
        if content is not None:
            _boundary_examples(ex, cue, content, src if source_spans else None, {t.i for t in covered}, quoted)
        gold_k = next((k for k, c in enumerate(cands) if content is not None and c.i == content.i), None)
        if gold_k is None:
            counts["content out of reach"] += 1
        else:
            ex.content_groups.append([pair_features(cue, c, quoted, "content") for c in cands])
            ex.content_gold.append(gold_k)
    for t in doc:
        if t.is_space or (t.i in inside and t.i not in heads):
            continue
        ex.cue_rows.append(cue_features(t, quoted))
        ex.cue_labels.append(int(t.i in heads))


def _boundary_examples(ex: Examples, cue, head, source, members: set[int], quoted) -> None:
    """Where the gold content starts and ends among the tokens its bounds allow (when it
    starts or ends among them)."""
    lo, hi, starts, ends = content_bounds(cue, head, source)
    inside = [i for i in members if starts.start <= i < ends.stop]
    if not inside:
        return
    first, last = min(inside), max(inside)
    if first in starts:
        ex.content_start_groups.append([boundary_features(head, k, lo, "L", quoted) for k in starts])
        ex.content_start_gold.append(first - starts.start)
    if last in ends:
        ex.content_end_groups.append([boundary_features(head, k, hi, "R", quoted) for k in ends])
        ex.content_end_gold.append(last - ends.start)


def _extent_examples(ex: Examples, head, members: set[int]) -> None:
    for i in extent_window(head):
        if i != head.i:
            ex.cue_extent_rows.append(extent_features(head, head.doc[i]))
            ex.cue_extent_labels.append(int(i in members))


def build(parsed) -> list[Examples]:
    """The examples of each article."""
    out, counts = [], Counter()
    for text, gold, docs in parsed:
        ex = Examples()
        for (lo, _), doc in zip(paragraphs(text), docs):
            add_examples(ex, doc, lo, gold, counts)
        out.append(ex)
    print("  ", dict(counts), file=sys.stderr)
    return out


def merged(parts: list[Examples]) -> Examples:
    ex = Examples()
    for p in parts:
        ex.extend(p)
    return ex


# --- fitting ------------------------------------------------------------------------------

def _matrix(rows: list[list[str]], vocab: dict[str, int]):
    indptr, indices = [0], []
    for r in rows:
        indices.extend(sorted({vocab[f] for f in r if f in vocab}))
        indptr.append(len(indices))
    data = np.ones(len(indices))
    return sparse.csr_matrix((data, np.array(indices, dtype=np.int64), np.array(indptr)), shape=(len(rows), len(vocab)))


def _vocab(rows, min_count: int) -> dict[str, int]:
    c = Counter(f for r in rows for f in set(r))
    return {f: k for k, f in enumerate(sorted(f for f, n in c.items() if n >= min_count))}


def _model(vocab: dict[str, int], w: np.ndarray, bias: float) -> LinearModel:
    names = list(vocab)
    # Weights under 0.01 change no figure on PolNeAR dev (within 0.001) and are half the file.
    return LinearModel({names[k]: float(w[k]) for k in np.flatnonzero(np.abs(w) >= 0.01)}, bias)


def fit_binary(rows, labels, l2: float, min_count: int = 2) -> LinearModel:
    """Logistic regression of the labels on the features."""
    vocab = _vocab(rows, min_count)
    X = _matrix(rows, vocab)
    n = X.shape[1]
    y = np.array(labels, dtype=float) * 2 - 1

    def loss(wb):
        w, b = wb[:n], wb[-1]
        m = y * (X @ w + b)
        g = -y * np.exp(-np.logaddexp(0, m))
        return np.logaddexp(0, -m).sum() + 0.5 * l2 * w @ w, np.append(X.T @ g + l2 * w, g.sum())

    res = minimize(loss, np.zeros(n + 1), jac=True, method="L-BFGS-B", options={"maxiter": 500})
    return _model(vocab, res.x[:n], float(res.x[-1]))


def fit_choice(groups, gold, l2: float, min_count: int = 2) -> LinearModel:
    """A softmax over each group's rows, fitted to pick the gold row."""
    rows = [r for g in groups for r in g]
    vocab = _vocab(rows, min_count)
    X = _matrix(rows, vocab)
    sizes = np.array([len(g) for g in groups])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    gold_rows = starts + np.array(gold)
    owner = np.repeat(np.arange(len(groups)), sizes)

    def loss(w):
        s = X @ w
        top = np.maximum.reduceat(s, starts)
        e = np.exp(s - top[owner])
        z = np.add.reduceat(e, starts)
        p = e / z[owner]
        p[gold_rows] -= 1
        return (np.log(z) + top - s[gold_rows]).sum() + 0.5 * l2 * w @ w, X.T @ p + l2 * w

    res = minimize(loss, np.zeros(X.shape[1]), jac=True, method="L-BFGS-B", options={"maxiter": 500})
    return _model(vocab, res.x, 0.0)


def held_out_score(model: LinearModel, ex: Examples, part: str) -> tuple[float, float | None]:
    """The cue model's best F1 and its threshold; the choice models' accuracy; the extent
    models' accuracy."""
    if part == "cue":
        return cue_f1(model, ex.cue_rows, ex.cue_labels)
    if part.endswith("_extent"):
        rows, labels = getattr(ex, part + "_rows"), getattr(ex, part + "_labels")
        return sum(int((model.score(r) > 0) == bool(y)) for r, y in zip(rows, labels)) / max(1, len(rows)), None
    return choice_accuracy(model, *choice_data(ex, part)), None


def choice_accuracy(model: LinearModel, groups, gold) -> float:
    ok = sum(int(np.argmax([model.score(r) for r in g]) == k) for g, k in zip(groups, gold))
    return ok / max(1, len(groups))


def cue_f1(model: LinearModel, rows, labels) -> tuple[float, float]:
    """The best F1 over thresholds, and that threshold."""
    scores = np.array([model.score(r) for r in rows])
    labels = np.array(labels)
    order = np.argsort(-scores)
    tp = np.cumsum(labels[order])
    k = np.arange(1, len(order) + 1)
    f1 = 2 * tp / (k + labels.sum())
    best = int(np.argmax(f1))
    return float(f1[best]), float((scores[order[best]] + scores[order[min(best + 1, len(order) - 1)]]) / 2)


def fit_part(ex: Examples, part: str, l2: float) -> LinearModel:
    if part.endswith("_extent"):
        return fit_binary(getattr(ex, part + "_rows"), getattr(ex, part + "_labels"), l2)
    if part == "cue":
        return fit_binary(ex.cue_rows, ex.cue_labels, l2)
    return fit_choice(*choice_data(ex, part), l2)


def choice_data(ex: Examples, part: str):
    """(groups, gold choices) of a choice model."""
    return getattr(ex, part + "_groups"), getattr(ex, part + "_gold")




def train(per_article: list[Examples], l2s: list[float], trained_on: str, seed: int = 7) -> AttributionModel:
    """The five models fitted to the examples of all the articles. Each model's
    regularisation (from ``l2s``) and the cue threshold are chosen by fitting to four
    fifths of the articles and scoring on the rest; with one value in ``l2s`` only the
    threshold is chosen so."""
    order = list(range(len(per_article)))
    random.Random(seed).shuffle(order)
    held = set(order[: len(order) // 5])
    fit_ex = merged([e for k, e in enumerate(per_article) if k not in held])
    val_ex = merged([e for k, e in enumerate(per_article) if k in held])
    chosen, threshold = {}, 0.0
    for part in PARTS:
        if len(l2s) == 1 and part != "cue":
            chosen[part] = l2s[0]
            continue
        best = None
        for l2 in l2s:
            score, thr = held_out_score(fit_part(fit_ex, part, l2), val_ex, part)
            print(f"  {part} l2={l2}: held-out {score:.4f}", file=sys.stderr)
            if best is None or score > best[0]:
                best = (score, l2, thr)
        chosen[part] = best[1]
        if part == "cue":
            threshold = best[2]
    all_ex = merged(per_article)
    return AttributionModel(*(fit_part(all_ex, part, chosen[part]) for part in PARTS), threshold,
                            f"{trained_on}, l2 {chosen}")
