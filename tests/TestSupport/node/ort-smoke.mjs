// Checks that onnxruntime-node (installed with ONNXRUNTIME_NODE_INSTALL=skip) loads its bundled CPU binary:
// runs a hand-encoded one-node ONNX model (y = Identity(x)) and prints JSON with the backends and the output.
import * as ort from 'onnxruntime-node';

const varint = (n) => { const b = []; do { let x = n & 0x7f; n >>>= 7; if (n) x |= 0x80; b.push(x); } while (n); return b; };
const field = (number, bytes) => [...varint((number << 3) | 2), ...varint(bytes.length), ...bytes];
const intField = (number, value) => [...varint(number << 3), ...varint(value)];
const text = (s) => [...Buffer.from(s, 'utf8')];
// ValueInfoProto { name, type: TypeProto { tensor_type { elem_type: FLOAT, shape { dim { dim_value: 3 } } } } }
const valueInfo = (name) => field(1, text(name)).concat(field(2, field(1, [...intField(1, 1), ...field(2, field(1, intField(1, 3)))])));
const node = [...field(1, text('x')), ...field(2, text('y')), ...field(4, text('Identity'))];
const graph = [...field(1, node), ...field(2, text('g')), ...field(11, valueInfo('x')), ...field(12, valueInfo('y'))];
const model = Uint8Array.from([...intField(1, 8), ...field(7, graph), ...field(8, intField(2, 13))]);

const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'] });
const result = await session.run({ x: new ort.Tensor('float32', Float32Array.from([1, 2, 3]), [3]) });
console.log(JSON.stringify({ backends: ort.listSupportedBackends?.() ?? null, y: Array.from(result.y.data) }));
