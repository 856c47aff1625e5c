/**
 * Lets queued messages (a cancel request) in before a loop goes on: a loop whose awaits settle
 * at once (ONNX Runtime's WASM run is synchronous inside) never yields to the event loop, so a
 * worker would not see a cancel until the loop ends.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
