/**
 * Reading weights out of ONNX files without ONNX Runtime: a minimal protobuf decoder,
 * lazy initializers, fp32/fp16/bf16/int8/4-bit readers, external data, and the finders for a
 * language model's unembedding and input embedding. Pure TypeScript: no DOM, no Node APIs.
 */

export { ProtobufError, readFields, readVarint, type ByteRange, type WireField } from './protobuf';
export {
  externalDataLocations,
  fail,
  floatAttribute,
  intAttribute,
  ok,
  parseOnnxModel,
  type Attribute,
  type NodeRef,
  type OnnxGraph,
  type OnnxModel,
  type Result,
  type TensorRef,
} from './model';
export {
  DataType,
  dataTypeName,
  elementCount,
  isFloatType,
  readFloatTensor,
  readIntegerTensor,
  readUint8Tensor,
  type ExternalDataSource,
  type TensorReadOptions,
} from './tensorData';
export {
  dequantizeLinear,
  dequantizeMatMulNBits,
  type DequantizeLinearInput,
  type MatMulNBitsInput,
} from './dequantize';
export { describeOp, resolveWeight, storedTensor, transpose2d, type Weight } from './weights';
export {
  findInputEmbedding,
  findUnembedding,
  readKeyMatrices,
  type EmbeddingMatrix,
  type KeyMatrixOptions,
  type ModelKeyMatrices,
  type Unembedding,
} from './embeddings';
