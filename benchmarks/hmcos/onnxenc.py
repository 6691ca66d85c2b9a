"""Minimal stdlib-only ONNX protobuf encoder (write side only).

Encodes just the ONNX messages needed to describe a shape-annotated graph:
ModelProto, GraphProto, NodeProto, AttributeProto, ValueInfoProto,
TypeProto.Tensor, TensorShapeProto and TensorProto (dims, data_type and,
optionally, int64_data / float_data).  Field numbers follow onnx/onnx.proto
(ONNX 1.12).  Weights are written as initializers with dims but without data:
HMCOS only needs their shapes and ignores parameters in its memory model.
"""

import struct

# TensorProto.DataType
FLOAT, UINT8, INT8, INT32, INT64, FLOAT16, DOUBLE, BFLOAT16 = 1, 2, 3, 6, 7, 10, 11, 16
DTYPE_BYTES = {FLOAT: 4, UINT8: 1, INT8: 1, INT32: 4, INT64: 8, FLOAT16: 2,
               DOUBLE: 8, BFLOAT16: 2}

# AttributeProto.AttributeType
A_FLOAT, A_INT, A_STRING, A_FLOATS, A_INTS = 1, 2, 3, 6, 7


def _varint(n):
    n &= (1 << 64) - 1  # int64 two's complement, as protobuf does
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _key(field, wire):
    return _varint((field << 3) | wire)


def f_int(field, v):
    return _key(field, 0) + _varint(int(v))


def f_bytes(field, b):
    if isinstance(b, str):
        b = b.encode()
    return _key(field, 2) + _varint(len(b)) + b


def f_float(field, x):
    return _key(field, 5) + struct.pack('<f', x)


def f_packed_ints(field, vals):
    return f_bytes(field, b''.join(_varint(int(v)) for v in vals))


def f_packed_floats(field, vals):
    return f_bytes(field, struct.pack('<%df' % len(vals), *vals))


# --- messages -------------------------------------------------------------

def tensor(name, dims, dtype=FLOAT, int64_data=None, float_data=None):
    b = b''
    if dims:
        b += f_packed_ints(1, dims)
    b += f_int(2, dtype)
    if float_data is not None:
        b += f_packed_floats(4, float_data)
    if int64_data is not None:
        b += f_packed_ints(7, int64_data)
    b += f_bytes(8, name)
    return b


def value_info(name, dims, dtype=FLOAT):
    shape = b''.join(f_bytes(1, f_int(1, d)) for d in dims)  # Dimension.dim_value
    ttype = f_int(1, dtype) + f_bytes(2, shape)  # TypeProto.Tensor
    return f_bytes(1, name) + f_bytes(2, f_bytes(1, ttype))


def attr(name, value):
    """int -> INT, float -> FLOAT, str -> STRING, list[int] -> INTS."""
    b = f_bytes(1, name)
    if isinstance(value, bool) or isinstance(value, int):
        b += f_int(3, value) + f_int(20, A_INT)
    elif isinstance(value, float):
        b += f_float(2, value) + f_int(20, A_FLOAT)
    elif isinstance(value, str):
        b += f_bytes(4, value) + f_int(20, A_STRING)
    elif isinstance(value, (list, tuple)):
        b += b''.join(f_int(8, v) for v in value) + f_int(20, A_INTS)
    else:
        raise TypeError(value)
    return b


def node(op_type, inputs, outputs, name='', attrs=None):
    b = b''.join(f_bytes(1, i) for i in inputs)
    b += b''.join(f_bytes(2, o) for o in outputs)
    if name:
        b += f_bytes(3, name)
    b += f_bytes(4, op_type)
    for k, v in (attrs or {}).items():
        b += f_bytes(5, attr(k, v))
    return b


def graph(name, nodes, inputs, outputs, initializers, value_infos):
    b = b''.join(f_bytes(1, n) for n in nodes)
    b += f_bytes(2, name)
    b += b''.join(f_bytes(5, t) for t in initializers)
    b += b''.join(f_bytes(11, v) for v in inputs)
    b += b''.join(f_bytes(12, v) for v in outputs)
    b += b''.join(f_bytes(13, v) for v in value_infos)
    return b


def model(graph_bytes, opset=13, ir_version=7, producer='memopt-onnxenc'):
    b = f_int(1, ir_version)
    b += f_bytes(2, producer)
    b += f_bytes(7, graph_bytes)
    b += f_bytes(8, f_bytes(1, '') + f_int(2, opset))  # OperatorSetIdProto
    return b


class GraphBuilder:
    """Collects nodes/values; emits value_info for every intermediate."""

    def __init__(self, name):
        self.name = name
        self.nodes, self.inits = [], []
        self.shapes = {}      # value name -> (dims, dtype)
        self.inputs, self.outputs = [], []
        self.init_names = set()
        self.counter = 0

    def fresh(self, base):
        self.counter += 1
        return '%s__%d' % (base, self.counter)

    def add_input(self, name, dims, dtype=FLOAT):
        self.shapes[name] = (list(dims), dtype)
        self.inputs.append(name)

    def add_init(self, name, dims, dtype=FLOAT, int64_data=None, float_data=None):
        if name in self.init_names:
            return name
        self.init_names.add(name)
        self.shapes[name] = (list(dims), dtype)
        self.inits.append(tensor(name, dims, dtype, int64_data, float_data))
        return name

    def add_node(self, op_type, inputs, output, out_dims, dtype=FLOAT, attrs=None,
                 name=None):
        self.shapes[output] = (list(out_dims), dtype)
        self.nodes.append(node(op_type, inputs, [output], name or output, attrs))
        return output

    def serialize(self, outputs, opset=13):
        self.outputs = list(outputs)
        inter = [n for n in self.shapes
                 if n not in self.init_names and n not in self.inputs
                 and n not in self.outputs]
        g = graph(self.name, self.nodes,
                  [value_info(n, *self.shapes[n]) for n in self.inputs],
                  [value_info(n, *self.shapes[n]) for n in self.outputs],
                  self.inits,
                  [value_info(n, *self.shapes[n]) for n in inter])
        return model(g, opset=opset)
