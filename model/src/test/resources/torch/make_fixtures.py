#!/usr/bin/env python3
"""Writes the hand-made PyTorch and safetensors checkpoints that TorchCheckpointTest and ImportTest read.

torch is not installable here, so this script reproduces what `torch.save(model.state_dict(), path)` writes
with nothing but the standard library:

- a zip archive `<root>/data.pkl` + `<root>/data/<key>` + `<root>/version` + `<root>/byteorder`;
- data.pkl is a protocol-2 pickle of a `collections.OrderedDict` whose values reduce to
  `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, backward_hooks)`;
- each storage is a persistent id `('storage', torch.FloatStorage | torch.BFloat16Storage, key, 'cpu', numel)`,
  its raw little-endian bytes in `<root>/data/<key>`.

Fake `torch`, `torch._utils` modules are registered in sys.modules so that pickle writes the same GLOBAL
opcodes torch does. The weights belong to the tiny architecture of TorchCheckpointTest (hidden 8, 2 heads, 2 layers) with vocab 11 and
3 puzzle identifiers. Every value is a multiple of 1/64 in [-0.5, 0.5], exactly representable in bfloat16, so
the files agree value for value whatever their dtype.

Run from this directory: python3 make_fixtures.py
"""
import collections
import io
import json
import pickle
import struct
import sys
import types
import zipfile

PREFIX = "_orig_mod.model.inner."
HIDDEN, VOCAB, PUZZLE_IDS, INTER = 8, 11, 3, 256  # inter = round_up_256(round(4 * 8 * 2 / 3))


def shapes():
    s = collections.OrderedDict()
    s["embed_tokens.embedding_weight"] = [VOCAB, HIDDEN]
    s["lm_head.weight"] = [VOCAB, HIDDEN]
    s["q_head.weight"] = [2, HIDDEN]
    s["q_head.bias"] = [2]
    s["puzzle_emb.weights"] = [PUZZLE_IDS, HIDDEN]
    s["H_init"] = [HIDDEN]
    s["L_init"] = [HIDDEN]
    for i in range(2):
        p = "L_level.layers.%d." % i
        s[p + "self_attn.qkv_proj.weight"] = [3 * HIDDEN, HIDDEN]
        s[p + "self_attn.o_proj.weight"] = [HIDDEN, HIDDEN]
        s[p + "mlp.gate_up_proj.weight"] = [2 * INTER, HIDDEN]
        s[p + "mlp.down_proj.weight"] = [HIDDEN, INTER]
    return s


def numel(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def values(k, n):
    """Deterministic values for the k-th tensor: multiples of 1/64, exact in bf16."""
    return [((i * 7 + k * 13) % 61 - 30) / 64.0 for i in range(n)]


def f32_bytes(vals):
    return struct.pack("<%df" % len(vals), *vals)


def bf16_bytes(vals):
    # The values are exact in bf16, so truncating the float32 bits loses nothing.
    out = bytearray()
    for v in vals:
        out += struct.pack("<I", struct.unpack("<I", struct.pack("<f", v))[0])[2:]
    return bytes(out)


# ---- fake torch, so that pickle emits torch's globals ----
torch = types.ModuleType("torch")
torch_utils = types.ModuleType("torch._utils")
torch._utils = torch_utils
sys.modules["torch"] = torch
sys.modules["torch._utils"] = torch_utils


class FloatStorage:
    pass


class BFloat16Storage:
    pass


for cls in (FloatStorage, BFloat16Storage):
    cls.__module__ = "torch"
    setattr(torch, cls.__name__, cls)


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks):
    raise NotImplementedError("only pickled, never called")


_rebuild_tensor_v2.__module__ = "torch._utils"
torch_utils._rebuild_tensor_v2 = _rebuild_tensor_v2


class Storage:
    def __init__(self, key, dtype, data):
        self.key, self.dtype, self.data = key, dtype, data

    def numel(self):
        return len(self.data) // (4 if self.dtype is FloatStorage else 2)


class Tensor:
    def __init__(self, storage, offset, size, stride):
        self.storage, self.offset, self.size, self.stride = storage, offset, size, stride

    def __reduce__(self):
        return (_rebuild_tensor_v2,
                (self.storage, self.offset, tuple(self.size), tuple(self.stride), False, collections.OrderedDict()))


class TorchPickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            return ("storage", obj.dtype, obj.key, "cpu", obj.numel())
        return None


def contiguous_stride(shape):
    stride, acc = [], 1
    for d in reversed(shape):
        stride.insert(0, acc)
        acc *= d
    return stride


def write_pt(path, root):
    """All of `shapes()` under the official prefix; H_init/L_init in bf16 as the official code keeps them.

    Two layouts that a state_dict can hold besides plain contiguous tensors are included: q_head.weight and
    q_head.bias are views into ONE storage (bias at offset 16), and layer 1's o_proj is a transposed view
    (stride [1, 8]) of a storage holding its transpose.
    """
    s = shapes()
    state = collections.OrderedDict()
    storages = []
    vals = {name: values(k, numel(shape)) for k, (name, shape) in enumerate(s.items())}

    def new_storage(dtype, data):
        st = Storage(str(len(storages)), dtype, data)
        storages.append(st)
        return st

    for name, shape in s.items():
        if name == "q_head.bias":
            continue
        v = vals[name]
        if name == "q_head.weight":
            st = new_storage(FloatStorage, f32_bytes(v + vals["q_head.bias"]))
            state[PREFIX + name] = Tensor(st, 0, shape, contiguous_stride(shape))
            state[PREFIX + "q_head.bias"] = Tensor(st, numel(shape), [2], [1])
        elif name == "L_level.layers.1.self_attn.o_proj.weight":
            rows, cols = shape
            transposed = [v[r * cols + c] for c in range(cols) for r in range(rows)]
            st = new_storage(FloatStorage, f32_bytes(transposed))
            state[PREFIX + name] = Tensor(st, 0, shape, [1, rows])
        elif name in ("H_init", "L_init"):
            st = new_storage(BFloat16Storage, bf16_bytes(v))
            state[PREFIX + name] = Tensor(st, 0, shape, [1])
        else:
            st = new_storage(FloatStorage, f32_bytes(v))
            state[PREFIX + name] = Tensor(st, 0, shape, contiguous_stride(shape))

    # torch's state_dict() carries module versions in a `_metadata` attribute: pickled as a BUILD.
    state._metadata = collections.OrderedDict([("", {"version": 1}), ("lm_head", {"version": 1})])
    buf = io.BytesIO()
    TorchPickler(buf, protocol=2).dump(state)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr(root + "/data.pkl", buf.getvalue())
        z.writestr(root + "/byteorder", "little")
        for st in storages:
            z.writestr(root + "/data/" + st.key, st.data)
        z.writestr(root + "/version", "3\n")
    return vals


def write_safetensors(path, vals, bf16_names):
    """Keys WITHOUT the prefix; the names in bf16_names as BF16, the rest F32."""
    header, blobs, offset = {}, [], 0
    for name, shape in shapes().items():
        bf16 = name in bf16_names
        data = bf16_bytes(vals[name]) if bf16 else f32_bytes(vals[name])
        header[name] = {"dtype": "BF16" if bf16 else "F32", "shape": shape, "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = {"format": "pt"}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


if __name__ == "__main__":
    vals = write_pt("tiny.pt", "tiny")
    write_safetensors("tiny.safetensors", vals, {"H_init", "L_init", "lm_head.weight"})
    print("wrote tiny.pt and tiny.safetensors:", len(vals), "tensors")
