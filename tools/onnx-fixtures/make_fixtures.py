"""Builds the tiny ONNX models that test the weight readers in src/core/onnx against ONNX Runtime.

    /usr/bin/python3 tools/onnx-fixtures/make_fixtures.py

Each model is a miniature language-model head: `logits` = h · keysᵀ, where the keys are
stored in one of the encodings the readers support, and (where it has one) `embeddings` =
Gather(input embedding, input_ids). Feeding h = identity makes ONNX Runtime print the
dequantized keys (transposed), which the tests compare with the reader's output.
Deterministic (fixed seed); writes src/core/onnx/fixtures/*.onnx (+ one external data file).
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT = os.path.join(ROOT, 'src', 'core', 'onnx', 'fixtures')
rng = np.random.default_rng(20241002)


def init(name, array, raw=True):
    """An initializer; raw=False stores values in the typed fields (float_data, int32_data)."""
    if raw:
        return numpy_helper.from_array(np.ascontiguousarray(array), name)
    dtype = {np.dtype('float32'): TensorProto.FLOAT, np.dtype('float16'): TensorProto.FLOAT16}[array.dtype]
    return helper.make_tensor(name, dtype, array.shape, array.flatten().tolist(), raw=False)


def save(name, nodes, inits, inputs, outputs, opset=13, ir_version=8, ms_domain=False):
    graph = helper.make_graph(nodes, name, inputs, outputs, inits)
    opsets = [helper.make_opsetid('', opset)]
    if ms_domain:
        opsets.append(helper.make_opsetid('com.microsoft', 1))
    model = helper.make_model(graph, opset_imports=opsets, producer_name='tokenscope-fixtures')
    model.ir_version = ir_version
    onnx.save(model, os.path.join(OUT, name + '.onnx'))


def hidden(d, rank=2):
    shape = ['T', d] if rank == 2 else [1, 'T', d]
    return helper.make_tensor_value_info('h', TensorProto.FLOAT, shape)


ids_input = helper.make_tensor_value_info('input_ids', TensorProto.INT64, ['T'])


def out(name):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, None)


def fp16():
    """Unembedding fp16 in raw_data (Gemm transB=1); input embedding fp16 in int32_data."""
    v, d = 11, 6
    keys = rng.normal(size=(v, d)).astype(np.float16)
    emb = rng.normal(size=(v, d)).astype(np.float16)
    nodes = [
        helper.make_node('Cast', ['wte16'], ['wte'], to=TensorProto.FLOAT),
        helper.make_node('Gemm', ['h', 'wte'], ['logits'], transB=1),
        helper.make_node('Cast', ['emb16'], ['emb'], to=TensorProto.FLOAT),
        helper.make_node('Gather', ['emb', 'input_ids'], ['embeddings']),
    ]
    save('fp16', nodes, [init('wte16', keys), init('emb16', emb, raw=False)], [hidden(d), ids_input], [out('logits'), out('embeddings')])


def int8_per_tensor():
    """MatMul by an int8 [d, V] per-tensor DequantizeLinear; uint8 per-tensor input embedding."""
    v, d = 9, 5
    nodes = [
        helper.make_node('DequantizeLinear', ['wq', 'ws', 'wz'], ['w']),
        helper.make_node('MatMul', ['h', 'w'], ['logits']),
        helper.make_node('DequantizeLinear', ['eq', 'es', 'ez'], ['e']),
        helper.make_node('Gather', ['e', 'input_ids'], ['embeddings']),
    ]
    inits = [
        init('wq', rng.integers(-128, 128, size=(d, v), dtype=np.int8)), init('ws', np.array(0.0173, np.float32)), init('wz', np.array(-3, np.int8)),
        init('eq', rng.integers(0, 256, size=(v, d), dtype=np.uint8)), init('es', np.array(0.041, np.float32)), init('ez', np.array(131, np.uint8)),
    ]
    save('int8_per_tensor', nodes, inits, [hidden(d), ids_input], [out('logits'), out('embeddings')])


def int8_per_axis():
    """Tied: one int8 [V, d] DequantizeLinear per row (axis 0) feeds the Gather and, transposed, the MatMul."""
    v, d = 10, 7
    nodes = [
        helper.make_node('DequantizeLinear', ['wq', 'ws', 'wz'], ['w'], axis=0),
        helper.make_node('Transpose', ['w'], ['wt'], perm=[1, 0]),
        helper.make_node('MatMul', ['h', 'wt'], ['logits']),
        helper.make_node('Gather', ['w', 'input_ids'], ['embeddings']),
    ]
    inits = [
        init('wq', rng.integers(-128, 128, size=(v, d), dtype=np.int8)),
        init('ws', rng.uniform(0.005, 0.05, size=v).astype(np.float32)),
        init('wz', rng.integers(-10, 10, size=v, dtype=np.int8)),
    ]
    save('int8_per_axis', nodes, inits, [hidden(d), ids_input], [out('logits'), out('embeddings')])


def uint8_per_axis_columns():
    """MatMul by a uint8 [d, V] weight quantized per column (axis 1); fp32 input embedding in float_data."""
    v, d = 8, 6
    nodes = [
        helper.make_node('DequantizeLinear', ['wq', 'ws', 'wz'], ['w'], axis=1),
        helper.make_node('MatMul', ['h', 'w'], ['logits']),
        helper.make_node('Gather', ['emb', 'input_ids'], ['embeddings']),
    ]
    inits = [
        init('wq', rng.integers(0, 256, size=(d, v), dtype=np.uint8)),
        init('ws', rng.uniform(0.005, 0.05, size=v).astype(np.float32)),
        init('wz', rng.integers(100, 156, size=v, dtype=np.uint8)),
        init('emb', rng.normal(size=(v, d)).astype(np.float32), raw=False),
    ]
    save('uint8_per_axis_columns', nodes, inits, [hidden(d), ids_input], [out('logits'), out('embeddings')])


def int8_blocked():
    """Opset-21 blocked DequantizeLinear: int8 [V, d] with one scale per 4 columns, transposed into Gemm."""
    v, d, block = 6, 10, 4
    blocks = -(-d // block)
    nodes = [
        helper.make_node('DequantizeLinear', ['wq', 'ws', 'wz'], ['w'], axis=1, block_size=block),
        helper.make_node('Gemm', ['h', 'w'], ['logits'], transB=1),
    ]
    inits = [
        init('wq', rng.integers(-128, 128, size=(v, d), dtype=np.int8)),
        init('ws', rng.uniform(0.005, 0.05, size=(v, blocks)).astype(np.float32)),
        init('wz', rng.integers(-5, 5, size=(v, blocks), dtype=np.int8)),
    ]
    save('int8_blocked', nodes, inits, [hidden(d)], [out('logits')], opset=21, ir_version=10)


def pack(q, bits):
    """Packs rows of small unsigned ints, low bits first, each row padded to whole bytes."""
    per_byte = 8 // bits
    rows, cols = q.shape
    padded = np.zeros((rows, -(-cols // per_byte) * per_byte), np.uint8)
    padded[:, :cols] = q
    grouped = padded.reshape(rows, -1, per_byte).astype(np.uint16)
    return sum(grouped[:, :, i] << (i * bits) for i in range(per_byte)).astype(np.uint8)


def matmul_nbits(name, zero_points, bits=4):
    """com.microsoft MatMulNBits: K=40 (not a multiple of the 16-block, so the last block is padded), N=7."""
    n, k, block = 7, 40, 16
    blocks = -(-k // block)
    q = rng.integers(0, 1 << bits, size=(n, blocks * block), dtype=np.uint8)
    packed = pack(q, bits).reshape(n, blocks, block * bits // 8)
    scales = rng.uniform(0.01, 0.1, size=n * blocks).astype(np.float32)
    inputs = ['h', 'b', 'scales']
    inits = [init('b', packed), init('scales', scales)]
    if zero_points == 'packed':
        inits.append(init('zp', pack(rng.integers(0, 1 << bits, size=(n, blocks), dtype=np.uint8), bits).reshape(-1)))
        inputs.append('zp')
    elif zero_points == 'float':
        inits.append(init('zp', rng.uniform(0, (1 << bits) - 1, size=n * blocks).astype(np.float32)))
        inputs.append('zp')
    nodes = [helper.make_node('MatMulNBits', inputs, ['logits'], domain='com.microsoft', K=k, N=n, bits=bits, block_size=block)]
    save(name, nodes, inits, [hidden(k)], [out('logits')], ms_domain=True)


def external():
    """fp32 keys and input embedding in one external file (keys at a non-zero offset); Gemm behind Reshapes."""
    v, d = 12, 8
    emb = rng.normal(size=(v, d)).astype(np.float32)
    keys = rng.normal(size=(v, d)).astype(np.float32)
    data_name = 'external.weights'
    with open(os.path.join(OUT, data_name), 'wb') as f:
        f.write(emb.tobytes())
        f.write(keys.tobytes())
    tensors = []
    for tensor_name, array, offset in [('emb', emb, 0), ('wte', keys, emb.nbytes)]:
        t = TensorProto(name=tensor_name, data_type=TensorProto.FLOAT, dims=array.shape)
        t.data_location = TensorProto.EXTERNAL
        for key, value in [('location', data_name), ('offset', str(offset)), ('length', str(array.nbytes))]:
            entry = t.external_data.add()
            entry.key, entry.value = key, value
        tensors.append(t)
    nodes = [
        helper.make_node('Reshape', ['h', 'flat'], ['h2']),
        helper.make_node('Gemm', ['h2', 'wte'], ['logits2'], transB=1),
        helper.make_node('Reshape', ['logits2', 'unflat'], ['logits']),
        helper.make_node('Gather', ['emb', 'input_ids'], ['embeddings']),
    ]
    inits = tensors + [init('flat', np.array([-1, d], np.int64)), init('unflat', np.array([1, -1, v], np.int64))]
    save('external', nodes, inits, [hidden(d, rank=3), ids_input], [out('logits'), out('embeddings')])


def unsupported():
    """A weight built by Cast and Mul (hand-written dequantization): the reader must decline, with a reason."""
    v, d = 4, 3
    nodes = [
        helper.make_node('Cast', ['wq'], ['wf'], to=TensorProto.FLOAT),
        helper.make_node('Mul', ['wf', 'ws'], ['w']),
        helper.make_node('MatMul', ['h', 'w'], ['logits']),
    ]
    inits = [init('wq', rng.integers(-128, 128, size=(d, v), dtype=np.int8)), init('ws', np.array(0.02, np.float32))]
    save('unsupported', nodes, inits, [hidden(d)], [out('logits')])


def matmul_integer(name, tied):
    """quantize_dynamic's head: DynamicQuantizeLinear + MatMulInteger + Cast + Mul(scales); its quantized Gather
    (uint8 table -> Gather -> DequantizeLinear). Untied: int8 [d, V] weight, per-column scale and zero point.
    Tied: the MatMulInteger reads the Gather's uint8 table through a Transpose (per-tensor scale)."""
    v, d = 9, 6
    nodes = [
        helper.make_node('DynamicQuantizeLinear', ['h'], ['hq', 'hs', 'hz']),
        helper.make_node('Gather', ['eq', 'input_ids'], ['eg']),
        helper.make_node('DequantizeLinear', ['eg', 'es', 'ez'], ['embeddings']),
    ]
    inits = [
        init('eq', rng.integers(0, 256, size=(v, d), dtype=np.uint8)),
        helper.make_tensor('es', TensorProto.FLOAT, [], [0.037]),  # scalars in float_data / int32_data, as ONNX Runtime writes them
        helper.make_tensor('ez', TensorProto.UINT8, [], [121]),
    ]
    if tied:
        nodes.append(helper.make_node('Transpose', ['eq'], ['eqt'], perm=[1, 0]))
        b, b_zero, b_scale = 'eqt', 'ez', 'es'
    else:
        inits += [
            init('wq', rng.integers(-127, 128, size=(d, v), dtype=np.int8)),
            init('ws', rng.uniform(0.005, 0.05, size=v).astype(np.float32)),
            init('wz', rng.integers(-10, 10, size=v, dtype=np.int8)),
        ]
        b, b_zero, b_scale = 'wq', 'wz', 'ws'
    nodes += [
        helper.make_node('MatMulInteger', ['hq', b, 'hz', b_zero], ['mi']),
        helper.make_node('Cast', ['mi'], ['mf'], to=TensorProto.FLOAT),
        helper.make_node('Mul', ['hs', b_scale], ['scales']),
        helper.make_node('Mul', ['mf', 'scales'], ['logits']),
    ]
    save(name, nodes, inits, [hidden(d), ids_input], [out('logits'), out('embeddings')])


def softcap():
    """Gemma 2's final logit soft-capping: logits = 30 tanh((h Wt) / 30); there is no linear key matrix to read."""
    v, d = 5, 4
    nodes = [
        helper.make_node('MatMul', ['h', 'w'], ['z']),
        helper.make_node('Div', ['z', 'cap'], ['zc']),
        helper.make_node('Tanh', ['zc'], ['t']),
        helper.make_node('Mul', ['t', 'cap'], ['logits']),
    ]
    inits = [init('w', rng.normal(size=(d, v)).astype(np.float32)), init('cap', np.array(30.0, np.float32))]
    save('softcap', nodes, inits, [hidden(d)], [out('logits')])


def main():
    os.makedirs(OUT, exist_ok=True)
    fp16()
    int8_per_tensor()
    int8_per_axis()
    uint8_per_axis_columns()
    int8_blocked()
    matmul_nbits('matmulnbits4', None)
    matmul_nbits('matmulnbits4_zp', 'packed')
    matmul_nbits('matmulnbits4_float_zp', 'float')
    matmul_nbits('matmulnbits8_zp', 'packed', bits=8)
    external()
    unsupported()
    matmul_integer('matmulinteger_per_column', tied=False)
    matmul_integer('matmulinteger_tied', tied=True)
    softcap()
    for name in sorted(os.listdir(OUT)):
        print(f'{name}: {os.path.getsize(os.path.join(OUT, name))} bytes')


if __name__ == '__main__':
    main()
