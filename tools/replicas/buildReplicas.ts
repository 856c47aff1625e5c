/**
 * Builds the Hub layout replicas (build.py) into a fresh temporary folder for a test file
 * (about a second). Needs /usr/bin/python3 with onnx and numpy; without them it throws with
 * the install line, so a suite that uses it fails instead of skipping.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const BUILD = join(import.meta.dirname, 'build.py');

export function buildReplicasIntoTemp(): string {
  const probe = spawnSync(PYTHON, ['-c', 'import onnx, numpy'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    throw new Error(
      `tools/replicas/build.py needs ${PYTHON} with the onnx and numpy modules (Debian: sudo apt-get install -y python3-onnx python3-numpy): ${(probe.stderr || String(probe.error)).trim().split('\n').pop()}`,
    );
  }
  const out = mkdtempSync(join(tmpdir(), 'tokenscope-replicas-'));
  execFileSync(PYTHON, [BUILD, '--out', out], { stdio: 'pipe' });
  return out;
}
