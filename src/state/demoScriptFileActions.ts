/** Demo scripts in and out: a file (.tokenscope-demo.json), a link (#demo=…), the JSON editor. */
import {
  decodeDemoLink,
  demoFileName,
  demoPayloadOfHash,
  encodeDemoLink,
  parseDemoScript,
  serialiseDemoScript,
  DEMO_LINK_PREFIX,
  type DemoScript,
} from '../core/demoScripts';
import { loadDemoScript } from './demoScriptActions';
import { useDemoScript } from './demoScriptStore';
import { downloadBlob } from './downloadBlob';

/** Files larger than this are refused before reading: a script is a few kilobytes. */
const MAX_DEMO_FILE_BYTES = 4 * 1024 * 1024;

function refuse(what: string, errors: string[]): false {
  useDemoScript.setState({ error: `${what}: ${errors.join('; ')}` });
  return false;
}

export function exportDemoFile(script: DemoScript): void {
  downloadBlob(demoFileName(script), new Blob([serialiseDemoScript(script)], { type: 'application/json' }));
}

/** Reads a picked file and opens it at its start. */
export async function importDemoFile(file: File): Promise<boolean> {
  if (file.size > MAX_DEMO_FILE_BYTES)
    return refuse(`Not opened (${file.name})`, [`the file is ${file.size} bytes; a demo script is at most 4 MB`]);
  const parsed = parseDemoScript(await file.text());
  if (!parsed.ok) return refuse(`Not opened (${file.name})`, parsed.errors);
  return loadDemoScript(parsed.value, 'file');
}

/** Applies the editor's JSON: the script opens at its start, or the errors are shown. */
export function applyDemoJson(text: string): { ok: true; done: Promise<boolean> } | { ok: false; errors: string[] } {
  const parsed = parseDemoScript(text);
  return parsed.ok ? { ok: true, done: loadDemoScript(parsed.value, 'editor') } : parsed;
}

/** A link that opens the script on another machine. */
export function demoLinkUrl(script: DemoScript): { ok: true; url: string } | { ok: false; error: string } {
  const encoded = encodeDemoLink(script);
  if (!encoded.ok) return { ok: false, error: `No link: ${encoded.errors.join('; ')}` };
  return { ok: true, url: `${location.origin}${location.pathname}#${DEMO_LINK_PREFIX}${encoded.value}` };
}

/** Opens a `#demo=…` link in the URL (at start-up, and when one is pasted into the tab). False when there is none or it is broken. */
export async function applyDemoLinkFromLocation(): Promise<boolean> {
  const payload = demoPayloadOfHash(location.hash);
  if (payload === null) return false;
  const decoded = decodeDemoLink(payload);
  if (!decoded.ok) return refuse('The demo link could not be opened', decoded.errors);
  return loadDemoScript(decoded.value, 'link');
}
