"""The all-MiniLM-L6-v2 encoder (a 6-layer BERT) written out as an ONNX graph from its weights.

    model = build_graph(weights)      # weights: the safetensors arrays, by name
    onnxruntime.InferenceSession(model.SerializeToString())

Inputs `input_ids` (int64, batch x n) and `attention_mask` (float, 1 for real word pieces);
output `hidden` (float, batch x n x 384), the last layer's states. This is BERT's forward pass
as in Hugging Face's BertModel: embeddings (word + position + token type 0) with layer norm,
then per layer self-attention with 12 heads, residual + layer norm, a GELU (exact, erf)
feed-forward layer, residual + layer norm. Nothing is converted from another framework: the
graph is written here node by node, and tests/unit/mild_nlp/test_minilm.py checks its output against
sentence-transformers' own.
"""

from __future__ import annotations

from typing import Dict, List

import numpy as np

DIM = 384
HEADS = 12
LAYERS = 6
EPS = 1e-12
OPSET = 17  # LayerNormalization


class _Graph:
    def __init__(self, weights: Dict[str, np.ndarray]) -> None:
        from onnx import helper, numpy_helper

        self._helper, self._numpy_helper = helper, numpy_helper
        self.weights = weights
        self.nodes: List = []
        self.initializers: List = []
        self._count = 0

    def const(self, name: str, value: np.ndarray) -> str:
        self.initializers.append(self._numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def weight(self, name: str, transpose: bool = False) -> str:
        value = self.weights[name].astype(np.float32)
        return self.const(name, value.T if transpose else value)

    def op(self, kind: str, *inputs: str, **attributes) -> str:
        self._count += 1
        out = f"{kind.lower()}_{self._count}"
        self.nodes.append(self._helper.make_node(kind, list(inputs), [out], **attributes))
        return out

    def dense(self, x: str, prefix: str) -> str:
        return self.op("Add", self.op("MatMul", x, self.weight(prefix + "weight", True)), self.weight(prefix + "bias"))

    def layer_norm(self, x: str, prefix: str) -> str:
        return self.op(
            "LayerNormalization", x, self.weight(prefix + "weight"), self.weight(prefix + "bias"), axis=-1, epsilon=EPS
        )


def build_graph(weights: Dict[str, np.ndarray]):
    """The ONNX model (onnx.ModelProto) of the encoder with these weights."""
    from onnx import TensorProto, checker, helper

    g = _Graph(weights)
    head = DIM // HEADS
    ids, mask = "input_ids", "attention_mask"

    # embeddings: word + position (0..n-1) + token type 0, then layer norm
    n = g.op("Shape", ids, start=1, end=2)
    positions = g.op(
        "Slice",
        g.weight("embeddings.position_embeddings.weight"),
        g.const("zero", np.array([0], np.int64)),
        n,
        g.const("axis0", np.array([0], np.int64)),
    )
    x = g.op("Add", g.op("Gather", g.weight("embeddings.word_embeddings.weight"), ids), positions)
    x = g.op("Add", x, g.const("token_type_0", weights["embeddings.token_type_embeddings.weight"][0]))
    x = g.layer_norm(x, "embeddings.LayerNorm.")

    # padded word pieces get no attention: add -1e9 to their scores
    mask4 = g.op("Unsqueeze", mask, g.const("axes12", np.array([1, 2], np.int64)))
    attention_bias = g.op(
        "Mul",
        g.op("Sub", g.const("one", np.array(1.0, np.float32)), mask4),
        g.const("minus_inf", np.array(-1e9, np.float32)),
    )
    split_heads = g.const("split_heads", np.array([0, 0, HEADS, head], np.int64))
    join_heads = g.const("join_heads", np.array([0, 0, DIM], np.int64))
    scale = g.const("scale", np.array(1.0 / np.sqrt(head), np.float32))
    half = g.const("half", np.array(0.5, np.float32))
    sqrt2 = g.const("sqrt2", np.array(np.sqrt(2.0), np.float32))
    one = "one"

    for i in range(LAYERS):
        p = f"encoder.layer.{i}."

        def heads(name: str, perm: List[int], x: str = x, p: str = p) -> str:  # this layer's input and prefix
            return g.op("Transpose", g.op("Reshape", g.dense(x, p + f"attention.self.{name}."), split_heads), perm=perm)

        q, k, v = heads("query", [0, 2, 1, 3]), heads("key", [0, 2, 3, 1]), heads("value", [0, 2, 1, 3])
        scores = g.op("Add", g.op("Mul", g.op("MatMul", q, k), scale), attention_bias)
        context = g.op("MatMul", g.op("Softmax", scores, axis=-1), v)
        context = g.op("Reshape", g.op("Transpose", context, perm=[0, 2, 1, 3]), join_heads)
        x = g.layer_norm(
            g.op("Add", x, g.dense(context, p + "attention.output.dense.")), p + "attention.output.LayerNorm."
        )
        hidden = g.dense(x, p + "intermediate.dense.")
        gelu = g.op("Mul", g.op("Mul", hidden, half), g.op("Add", one, g.op("Erf", g.op("Div", hidden, sqrt2))))
        x = g.layer_norm(g.op("Add", x, g.dense(gelu, p + "output.dense.")), p + "output.LayerNorm.")

    g.nodes.append(helper.make_node("Identity", [x], ["hidden"]))
    graph = helper.make_graph(
        g.nodes,
        "all-MiniLM-L6-v2",
        [
            helper.make_tensor_value_info(ids, TensorProto.INT64, ["batch", "n"]),
            helper.make_tensor_value_info(mask, TensorProto.FLOAT, ["batch", "n"]),
        ],
        [helper.make_tensor_value_info("hidden", TensorProto.FLOAT, ["batch", "n", DIM])],
        g.initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    checker.check_model(model)
    return model
