/**
 * Test helpers: copies of an ONNX model that lack what the layer views look for, made by
 * editing the protobuf bytes: a graph without some outputs (the splice lives in core, where
 * the engine adds outputs the same way), and a graph whose node names no exporter uses.
 */
export { withoutGraphOutputs } from '../src/core/onnx/graphOutputs';

/**
 * Replaces every occurrence of `from` with `to` (same byte length, so no protobuf length
 * changes): renaming `/model/blocks.` renames every node and value under the blocks
 * consistently, and the weights (`model.blocks.…`, no leading slash) keep their names.
 */
export function withRenamedBytes(bytes: Uint8Array, from: string, to: string): Uint8Array {
  const a = new TextEncoder().encode(from);
  const b = new TextEncoder().encode(to);
  if (a.length !== b.length) throw new Error('the replacement must keep the byte length');
  const out = bytes.slice();
  let count = 0;
  for (let i = 0; i + a.length <= out.length; i++) {
    let match = true;
    for (let j = 0; j < a.length && match; j++) match = out[i + j] === a[j];
    if (match) {
      out.set(b, i);
      count++;
      i += a.length - 1;
    }
  }
  if (count === 0) throw new Error(`"${from}" does not occur in the model`);
  return out;
}
