/**
 * Session options for every model session (the app's and the CLI's), and for the tests'
 * onnxruntime-node references, so both compute int8 models the same way.
 *
 * `session.x64quantprecision`: on x86-64 CPUs without VNNI (AVX2, AVX-512 without VNNI), ONNX
 * Runtime's native int8 matrix products with signed weights (u8 activations × s8 weights, the
 * q8 and int8 files of the Hub) add pairs of products in 16 bits and clip; its own header says
 * so and offers this option, which uses exact u8 × u8 products instead. Measured here (Node, an
 * AVX2 EPYC): a Llama-shaped q8 file's logits were 0.36 away from the same file run by ONNX
 * Runtime's WebAssembly build, and a cached step 5.3e-2 (of the largest logit) from a full
 * recompute, against at most 1.1e-2 for its uint8 file and the other replicas. No effect on
 * float files, on CPUs with VNNI, or in the WebAssembly build.
 */
export const MODEL_SESSION_OPTIONS = { extra: { session: { x64quantprecision: '1' } } } as const;
