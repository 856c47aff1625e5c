/**
 * Flags with which Debian's Chromium runs headless as root (found by trying): no sandbox
 * (refused as root otherwise), no GPU, no background network traffic. The end-to-end tests,
 * the benchmark and the screenshot script all launch it with these.
 */
export const CHROMIUM_FLAGS: string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
