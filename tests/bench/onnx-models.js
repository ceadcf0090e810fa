// Tiny ONNX models for the onnxruntime-web peer, encoded by hand (protobuf wire format, only the fields we need), so
// the benchmark needs no ONNX tooling: one node each (Softmax, LogSoftmax, SoftmaxCrossEntropyLoss) over an [N, C]
// input. Field numbers are those of onnx/onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto, ValueInfoProto,
// TypeProto).

const FLOAT = 1;
const INT32 = 6;
const ATTRIBUTE_INT = 2;
const ATTRIBUTE_STRING = 3;

function varint(value) {
  const bytes = [];
  let v = BigInt(value);
  if (v < 0n) v += 1n << 64n;  // int64 fields: two's complement, ten bytes
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    bytes.push(byte);
  } while (v !== 0n);
  return bytes;
}

const text = (s) => [...new TextEncoder().encode(s)];
const int = (field, value) => [...varint(field << 3), ...varint(value)];
const bytes = (field, payload) => [...varint((field << 3) | 2), ...varint(payload.length), ...payload];
const string = (field, s) => bytes(field, text(s));

// A tensor value: elem_type and a shape whose dimensions are symbolic names (dynamic) or numbers; no shape = any rank.
function valueInfo(name, elemType, dims) {
  const shape = dims && bytes(2, dims.flatMap((d) => bytes(1, typeof d === 'string' ? string(2, d) : int(1, d))));
  const tensorType = [...int(1, elemType), ...(shape ?? [])];
  return [...string(1, name), ...bytes(2, bytes(1, tensorType))];
}

function attribute(name, value) {
  if (typeof value === 'string') return [...string(1, name), ...bytes(4, text(value)), ...int(20, ATTRIBUTE_STRING)];
  return [...string(1, name), ...int(3, value), ...int(20, ATTRIBUTE_INT)];
}

function node(opType, inputs, outputs, attributes = {}) {
  return [
    ...inputs.flatMap((n) => string(1, n)),
    ...outputs.flatMap((n) => string(2, n)),
    ...string(3, opType.toLowerCase()),
    ...string(4, opType),
    ...Object.entries(attributes).flatMap(([k, v]) => bytes(5, attribute(k, v))),
  ];
}

function model(nodeBytes, inputs, outputs, opset = 13) {
  const graph = [
    ...bytes(1, nodeBytes),
    ...string(2, 'logitlab_bench'),
    ...inputs.flatMap((v) => bytes(11, v)),
    ...outputs.flatMap((v) => bytes(12, v)),
  ];
  const opsetImport = [...string(1, ''), ...int(2, opset)];
  return Uint8Array.from([...int(1, 8), ...string(2, 'logitlab-bench'), ...bytes(7, graph), ...bytes(8, opsetImport)]);
}

// y = Softmax(x) or LogSoftmax(x) along the last axis of x: [N, C].
export function softmaxModel(op = 'Softmax') {
  return model(node(op, ['x'], ['y'], { axis: -1 }), [valueInfo('x', FLOAT, ['N', 'C'])],
    [valueInfo('y', FLOAT, ['N', 'C'])]);
}

// loss = mean over rows of -log softmax(x)[label]: the fused op, int32 class indices.
export function crossEntropyModel() {
  return model(node('SoftmaxCrossEntropyLoss', ['x', 'labels'], ['loss'], { reduction: 'mean', ignore_index: -100 }),
    [valueInfo('x', FLOAT, ['N', 'C']), valueInfo('labels', INT32, ['N'])], [valueInfo('loss', FLOAT, [])]);
}
