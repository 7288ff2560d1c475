#!/usr/bin/env python3
"""A float64 numpy forward pass of TRM (one ACT step, losses, metrics), written from the official code's definition (docs/ALGORITHM.md).

It exists to cross-check trm-java without PyTorch:
  * `golden OUT_DIR` writes the golden files that ReferenceTrmGoldenTest checks the Java reference against
    (tiny configs, seeded random weights, a few ACT steps with halting, slot reset and exploration);
  * `logits WEIGHTS.safetensors CONFIG.json INPUTS.json` prints the logits and q-logits of one ACT step from the
    reset state, for anyone who wants to compare the same weights against the official PyTorch code.

CONFIG.json holds the arch keys of trm_config.proto (hidden_size, num_heads, expansion, l_layers, h_cycles,
l_cycles, pos_encodings rope|learned|none, rope_theta, rms_norm_eps, puzzle_emb_ndim, puzzle_emb_len, mlp_t,
halt_max_steps, halt_exploration_prob, loss_type stablemax|softmax) plus vocab_size, seq_len and
num_puzzle_identifiers. INPUTS.json is {"inputs": [[...]], "puzzle_identifiers": [...]}.
Safetensors keys may carry the official "_orig_mod.model.inner." prefix; F32, F64, BF16 and F16 are read.
"""
import json
import math
import struct
import sys

import numpy as np

OFFICIAL_PREFIX = "_orig_mod.model.inner."
IGNORE = -100


# --------------------------------------------------------------------------------------------- safetensors
def read_safetensors(path):
    """Returns {name without the official prefix: float64 array}."""
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        raise ValueError(f"{path}: too short for a safetensors header")
    header_len = struct.unpack("<Q", blob[:8])[0]
    if 8 + header_len > len(blob):
        raise ValueError(f"{path}: header length {header_len} runs past the end of the file")
    header = json.loads(blob[8:8 + header_len])
    base = 8 + header_len
    decoders = {
        "F32": lambda raw: np.frombuffer(raw, "<f4"),
        "F64": lambda raw: np.frombuffer(raw, "<f8"),
        "F16": lambda raw: np.frombuffer(raw, "<f2"),
        # bf16 is the top half of an f32.
        "BF16": lambda raw: (np.frombuffer(raw, "<u2").astype(np.uint32) << 16).view(np.float32),
    }
    tensors = {}
    for key, info in header.items():
        if key == "__metadata__":
            continue
        if info["dtype"] not in decoders:
            raise ValueError(f"{path}: tensor '{key}' has unsupported dtype {info['dtype']}")
        start, end = info["data_offsets"]
        values = decoders[info["dtype"]](blob[base + start:base + end])
        name = key[len(OFFICIAL_PREFIX):] if key.startswith(OFFICIAL_PREFIX) else key
        tensors[name] = values.astype(np.float64).reshape(info["shape"])
    return tensors


def to_bf16_bits(array):
    """float32 -> bfloat16 bit patterns, rounding to nearest even (NaN is not expected here)."""
    bits = np.ascontiguousarray(array, dtype="<f4").view(np.uint32).astype(np.uint64)
    return ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype("<u2")


def write_safetensors(path, tensors, dtypes=None):
    """Writes {name: array} as F32 (or, per name in dtypes, BF16 / F64), header padded to 8 bytes as the format asks."""
    encoders = {"F32": lambda a: np.ascontiguousarray(a, dtype="<f4").tobytes(),
                "F64": lambda a: np.ascontiguousarray(a, dtype="<f8").tobytes(),
                "BF16": lambda a: to_bf16_bits(a).tobytes()}
    header, chunks, offset = {}, [], 0
    for name, array in tensors.items():
        dtype = (dtypes or {}).get(name, "F32")
        raw = encoders[dtype](array)
        header[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))


# --------------------------------------------------------------------------------------------- the model
def swiglu_inter(width, expansion):
    # round() is half-to-even in Python, as in the official width rule; then round up to a multiple of 256.
    return -(-round(expansion * width * 2 / 3) // 256) * 256


def rms_norm(x, eps):
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps)


def silu(x):
    return x / (1 + np.exp(-x))


class Trm:
    def __init__(self, cfg, weights):
        self.c = cfg
        self.w = weights
        d = cfg["hidden_size"]
        self.d = d
        self.heads = cfg["num_heads"]
        self.head_dim = d // self.heads
        ndim = cfg["puzzle_emb_ndim"]
        # Prefix length: the configured one, or ceil(ndim / D) when 0; no prefix without a puzzle embedding.
        self.p = 0 if ndim == 0 else (cfg["puzzle_emb_len"] or -(-ndim // d))
        self.s = cfg["seq_len"]
        self.l = self.p + self.s
        if cfg["pos_encodings"] == "rope":
            inv_freq = 1.0 / cfg["rope_theta"] ** (np.arange(0, self.head_dim, 2) / self.head_dim)
            angles = np.outer(np.arange(self.l), inv_freq)
            angles = np.concatenate([angles, angles], axis=-1)  # [L, head_dim]
            self.cos, self.sin = np.cos(angles), np.sin(angles)

    # x: [B, L, D], computed once per ACT step.
    def input_embeddings(self, inputs, puzzle_ids):
        emb = self.w["embed_tokens.embedding_weight"][inputs]  # [B, S, D]
        b = inputs.shape[0]
        if self.p > 0:
            rows = self.w["puzzle_emb.weights"][puzzle_ids]  # [B, ndim]
            prefix = np.zeros((b, self.p * self.d))
            prefix[:, :rows.shape[1]] = rows
            emb = np.concatenate([prefix.reshape(b, self.p, self.d), emb], axis=1)
        if self.c["pos_encodings"] == "learned":
            emb = 0.707106781 * (emb + self.w["embed_pos.embedding_weight"])
        return math.sqrt(self.d) * emb

    def rope(self, t):  # t: [B, L, H, hd]
        half = self.head_dim // 2
        rotated = np.concatenate([-t[..., half:], t[..., :half]], axis=-1)
        return t * self.cos[:, None, :] + rotated * self.sin[:, None, :]

    def attention(self, i, h):
        b, l, _ = h.shape
        qkv = h @ self.w[f"L_level.layers.{i}.self_attn.qkv_proj.weight"].T
        qkv = qkv.reshape(b, l, 3 * self.heads, self.head_dim)
        q, k, v = qkv[:, :, :self.heads], qkv[:, :, self.heads:2 * self.heads], qkv[:, :, 2 * self.heads:]
        if self.c["pos_encodings"] == "rope":
            q, k = self.rope(q), self.rope(k)
        scores = np.einsum("bqhd,bkhd->bhqk", q, k) / math.sqrt(self.head_dim)
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        probs = scores / scores.sum(axis=-1, keepdims=True)
        out = np.einsum("bhqk,bkhd->bqhd", probs, v).reshape(b, l, self.d)
        return out @ self.w[f"L_level.layers.{i}.self_attn.o_proj.weight"].T

    def swiglu(self, prefix, x):
        gate_up = x @ self.w[prefix + ".gate_up_proj.weight"].T
        gate, up = np.split(gate_up, 2, axis=-1)
        return (silu(gate) * up) @ self.w[prefix + ".down_proj.weight"].T

    def block(self, i, h):
        eps = self.c["rms_norm_eps"]
        if self.c["mlp_t"]:
            t = h.transpose(0, 2, 1)  # [B, D, L]: mixes tokens, normalises over the sequence axis
            t = rms_norm(t + self.swiglu(f"L_level.layers.{i}.mlp_t", t), eps)
            h = t.transpose(0, 2, 1)
        else:
            h = rms_norm(h + self.attention(i, h), eps)
        return rms_norm(h + self.swiglu(f"L_level.layers.{i}.mlp", h), eps)

    def f(self, h, injection):
        h = h + injection
        for i in range(self.c["l_layers"]):
            h = self.block(i, h)
        return h

    def recursion(self, y, z, x):
        # All H cycles compute the same values; only the last one carries gradient in training.
        for _ in range(self.c["h_cycles"]):
            for _ in range(self.c["l_cycles"]):
                z = self.f(z, y + x)
            y = self.f(y, z)
        return y, z

    def lm_logits(self, y):
        return (y @ self.w["lm_head.weight"].T)[:, self.p:]

    def q_logits(self, y):
        return y[:, 0] @ self.w["q_head.weight"].T + self.w["q_head.bias"]

    def act_step(self, carry, batch, training, explore_uniform, explore_min_halt):
        """One ACT step from carry (dict) with the new batch for halted slots."""
        reset = carry["halted"]
        y = np.where(reset[:, None, None], self.w["H_init"], carry["z_H"])
        z = np.where(reset[:, None, None], self.w["L_init"], carry["z_L"])
        steps = np.where(reset, 0, carry["steps"])
        data = {k: np.where(reset.reshape((-1,) + (1,) * (batch[k].ndim - 1)), batch[k], carry[k])
                for k in ("inputs", "labels", "puzzle_identifiers")}
        x = self.input_embeddings(data["inputs"], data["puzzle_identifiers"])
        y, z = self.recursion(y, z, x)
        logits, q = self.lm_logits(y), self.q_logits(y)
        steps = steps + 1
        halted = steps >= self.c["halt_max_steps"]
        if training and self.c["halt_max_steps"] > 1:
            halted = halted | (q[:, 0] > 0)
            min_halt = np.where(explore_uniform < self.c["halt_exploration_prob"], explore_min_halt, 0)
            halted = halted & (steps >= min_halt)
        new_carry = dict(z_H=y, z_L=z, steps=steps, halted=halted, **data)
        return new_carry, dict(x=x, logits=logits, q_halt=q[:, 0], q_continue=q[:, 1])

    def losses(self, logits, labels, q_halt, halted, steps):
        """Spec 2.3-2.4: losses summed over the batch (not yet divided by it), metric sums over halted slots."""
        mask = labels != IGNORE
        counts = mask.sum(-1)
        divisor = np.maximum(counts, 1)
        safe = np.where(mask, labels, 0)
        if self.c["loss_type"] == "stablemax":
            s = np.where(logits < 0, 1 / (1 - logits + 1e-30), logits + 1)
            logp = np.log(s / s.sum(-1, keepdims=True))
        else:
            shifted = logits - logits.max(-1, keepdims=True)
            logp = shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))
        token_loss = -np.where(mask, np.take_along_axis(logp, safe[..., None], -1)[..., 0], 0)
        lm_loss = (token_loss / divisor[:, None]).sum()
        preds = logits.argmax(-1)
        correct = mask & (preds == labels)
        seq_correct = correct.sum(-1) == counts
        target = seq_correct.astype(np.float64)
        bce = np.maximum(q_halt, 0) - q_halt * target + np.log1p(np.exp(-np.abs(q_halt)))
        q_halt_loss = bce.sum()
        valid = halted & (counts > 0)
        return dict(
            lm_loss=lm_loss, q_halt_loss=q_halt_loss, total=lm_loss + 0.5 * q_halt_loss,
            count=int(valid.sum()),
            accuracy=float(np.where(valid, correct.sum(-1) / divisor, 0).sum()),
            exact_accuracy=int((valid & seq_correct).sum()),
            q_halt_accuracy=int((valid & ((q_halt >= 0) == seq_correct)).sum()),
            steps=int(np.where(valid, steps, 0).sum()),
            predictions=preds,
        )


# --------------------------------------------------------------------------------------------- golden files
def weight_shapes(cfg):
    """Official names and PyTorch [out, in] shapes."""
    d, v = cfg["hidden_size"], cfg["vocab_size"]
    model = Trm(cfg, {})
    shapes = {"embed_tokens.embedding_weight": (v, d), "lm_head.weight": (v, d),
              "q_head.weight": (2, d), "q_head.bias": (2,), "H_init": (d,), "L_init": (d,)}
    if cfg["puzzle_emb_ndim"] > 0:
        shapes["puzzle_emb.weights"] = (cfg["num_puzzle_identifiers"], cfg["puzzle_emb_ndim"])
    if cfg["pos_encodings"] == "learned":
        shapes["embed_pos.embedding_weight"] = (model.l, d)
    inter = swiglu_inter(d, cfg["expansion"])
    for i in range(cfg["l_layers"]):
        layer = f"L_level.layers.{i}."
        if cfg["mlp_t"]:
            inter_t = swiglu_inter(model.l, cfg["expansion"])
            shapes[layer + "mlp_t.gate_up_proj.weight"] = (2 * inter_t, model.l)
            shapes[layer + "mlp_t.down_proj.weight"] = (model.l, inter_t)
        else:
            shapes[layer + "self_attn.qkv_proj.weight"] = (3 * d, d)
            shapes[layer + "self_attn.o_proj.weight"] = (d, d)
        shapes[layer + "mlp.gate_up_proj.weight"] = (2 * inter, d)
        shapes[layer + "mlp.down_proj.weight"] = (d, inter)
    return shapes


def random_weights(cfg, rng):
    """Random float32 weights at roughly the official scales, but with a non-zero puzzle table and q head so that
    every path (puzzle prefix, halting on q_halt > 0) is exercised."""
    weights = {}
    for name, shape in weight_shapes(cfg).items():
        std = 1.0 if name in ("H_init", "L_init", "q_head.bias") else 1.0 / math.sqrt(shape[-1])
        weights[name] = rng.normal(0.0, std, shape).astype(np.float32).astype(np.float64)
    for name in ("H_init", "L_init"):  # bf16 buffers in the official model
        bits = to_bf16_bits(weights[name]).astype(np.uint32) << 16
        weights[name] = bits.view(np.float32).astype(np.float64)
    return weights


CASES = {
    # attention + RoPE, two heads, two prefix slots (puzzle vector + one zero slot), one layer, T = n = 1
    "att_rope": dict(hidden_size=4, num_heads=2, expansion=4.0, l_layers=1, h_cycles=1, l_cycles=1,
                     pos_encodings="rope", rope_theta=10000.0, rms_norm_eps=1e-5, puzzle_emb_ndim=4,
                     puzzle_emb_len=2, mlp_t=False, halt_max_steps=3, halt_exploration_prob=0.5,
                     loss_type="stablemax", vocab_size=3, seq_len=2, num_puzzle_identifiers=2),
    # attention + learned positions, prefix length from ceil(ndim / D), two layers, T = n = 2, softmax CE
    "att_learned": dict(hidden_size=4, num_heads=1, expansion=4.0, l_layers=2, h_cycles=2, l_cycles=2,
                        pos_encodings="learned", rope_theta=10000.0, rms_norm_eps=1e-5, puzzle_emb_ndim=4,
                        puzzle_emb_len=0, mlp_t=False, halt_max_steps=3, halt_exploration_prob=0.5,
                        loss_type="softmax", vocab_size=3, seq_len=3, num_puzzle_identifiers=2),
    # MLP-mixer, no positions, T = 2, n = 1
    "mlp_none": dict(hidden_size=4, num_heads=1, expansion=4.0, l_layers=1, h_cycles=2, l_cycles=1,
                     pos_encodings="none", rope_theta=10000.0, rms_norm_eps=1e-5, puzzle_emb_ndim=4,
                     puzzle_emb_len=2, mlp_t=True, halt_max_steps=3, halt_exploration_prob=0.5,
                     loss_type="stablemax", vocab_size=3, seq_len=2, num_puzzle_identifiers=2),
}


def golden(out_dir):
    rng = np.random.default_rng(20251006)
    batch_size = 3
    for case, cfg in CASES.items():
        weights = random_weights(cfg, rng)
        model = Trm(cfg, weights)
        d, s, v = cfg["hidden_size"], cfg["seq_len"], cfg["vocab_size"]
        carry = dict(z_H=np.zeros((batch_size, model.l, d)), z_L=np.zeros((batch_size, model.l, d)),
                     steps=np.zeros(batch_size, dtype=np.int64), halted=np.ones(batch_size, dtype=bool),
                     inputs=np.zeros((batch_size, s), dtype=np.int64), labels=np.zeros((batch_size, s), dtype=np.int64),
                     puzzle_identifiers=np.zeros(batch_size, dtype=np.int64))
        steps = []
        for step, training in enumerate([True, True, True, True, False, False]):
            labels = rng.integers(0, v, (batch_size, s))
            labels[rng.random((batch_size, s)) < 0.3] = IGNORE
            labels[step % batch_size] = IGNORE  # one slot without any valid label
            batch = dict(inputs=rng.integers(0, v, (batch_size, s)), labels=labels,
                         puzzle_identifiers=rng.integers(0, cfg["num_puzzle_identifiers"], batch_size))
            uniform = rng.random(batch_size)
            min_halt = rng.integers(2, cfg["halt_max_steps"] + 1, batch_size)
            new_carry, out = model.act_step(carry, batch, training, uniform, min_halt)
            loss = model.losses(out["logits"], new_carry["labels"], out["q_halt"], new_carry["halted"],
                                new_carry["steps"])
            record = dict(mode="TRAIN" if training else "EVAL", batch={k: batch[k].tolist() for k in batch},
                          explore_uniform=uniform.tolist(), explore_min_halt=min_halt.tolist(),
                          logits=out["logits"].tolist(), q_halt=out["q_halt"].tolist(),
                          q_continue=out["q_continue"].tolist(),
                          carry={k: np.asarray(val).tolist() for k, val in new_carry.items()},
                          losses={k: np.asarray(val).tolist() for k, val in loss.items()})
            if step == 0:
                # Intermediates of slot 0 on the first step (all slots start from H_init / L_init).
                y0 = np.broadcast_to(weights["H_init"], (1, model.l, d))
                z0 = np.broadcast_to(weights["L_init"], (1, model.l, d))
                x0 = out["x"][:1]
                record["slot0"] = dict(input_embeddings=x0[0].tolist(), first_block=model.block(0, z0 + y0 + x0)[0].tolist(),
                                       first_f=model.f(z0, y0 + x0)[0].tolist())
            steps.append(record)
            carry = new_carry
        doc = dict(case=case, config=cfg, weights={k: dict(shape=list(w.shape), data=w.ravel().tolist())
                                                   for k, w in weights.items()}, steps=steps)
        with open(f"{out_dir}/golden_{case}.json", "w") as f:
            json.dump(doc, f, separators=(",", ":"))
        prefixed = {OFFICIAL_PREFIX + k: w for k, w in weights.items()}
        write_safetensors(f"{out_dir}/golden_{case}.safetensors", prefixed)
        if case == "att_rope":
            # As an official export would hold them: bf16 init buffers; plus one F64 tensor for the reader's sake.
            write_safetensors(f"{out_dir}/golden_{case}_mixed_dtypes.safetensors", prefixed,
                              {OFFICIAL_PREFIX + "H_init": "BF16", OFFICIAL_PREFIX + "L_init": "BF16",
                               OFFICIAL_PREFIX + "lm_head.weight": "F64"})
        print(f"{case}: wrote {len(steps)} steps, {len(weights)} tensors")


def print_logits(weights_path, config_path, inputs_path):
    with open(config_path) as f:
        cfg = json.load(f)
    cfg = cfg.get("config", cfg)  # a golden_*.json file also works as CONFIG.json
    with open(inputs_path) as f:
        data = json.load(f)
    model = Trm(cfg, read_safetensors(weights_path))
    inputs = np.asarray(data["inputs"])
    b = inputs.shape[0]
    carry = dict(z_H=np.zeros((b, model.l, model.d)), z_L=np.zeros((b, model.l, model.d)),
                 steps=np.zeros(b, dtype=np.int64), halted=np.ones(b, dtype=bool), inputs=inputs,
                 labels=np.full(inputs.shape, IGNORE), puzzle_identifiers=np.asarray(data["puzzle_identifiers"]))
    batch = {k: carry[k] for k in ("inputs", "labels", "puzzle_identifiers")}
    _, out = model.act_step(carry, batch, False, None, None)
    np.set_printoptions(precision=6, suppress=True, linewidth=160)
    print("logits [B, S, V] =\n", out["logits"])
    print("q_halt =", out["q_halt"], " q_continue =", out["q_continue"])


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "golden":
        golden(sys.argv[2])
    elif len(sys.argv) == 5 and sys.argv[1] == "logits":
        print_logits(*sys.argv[2:])
    else:
        sys.exit(__doc__)
