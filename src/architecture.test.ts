/**
 * The layer rules of src/ (docs/ARCHITECTURE.md), enforced: no import cycle between files, no
 * import against the layer direction (architectureRules.ts, LAYER_RULES) beyond the known ones
 * in architecture-allowlist.json, and no allowlist entry that no longer occurs. The checker is
 * also run on a small planted graph, to show it does fail.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  buildImportGraph,
  checkAllowlist,
  describeCycle,
  findCycles,
  isTestFile,
  layerViolations,
  listImports,
  resolveImport,
  violationKey,
  type Violation,
} from './architectureRules';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ALLOWLIST_FILE = 'src/architecture-allowlist.json';

/** Every file under src/ (paths relative to the repository root), and the text of each .ts/.tsx. */
function readTree(): { sources: Map<string, string>; known: Set<string> } {
  const sources = new Map<string, string>();
  const known = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true })) {
      if (entry.name === 'node_modules') continue;
      const file = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(file);
      else {
        known.add(file);
        if (/\.tsx?$/.test(entry.name)) sources.set(file, fs.readFileSync(path.join(REPO_ROOT, file), 'utf8'));
      }
    }
  };
  walk('src');
  return { sources, known };
}

function readAllowlist(): string[] {
  const parsed: unknown = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, ALLOWLIST_FILE), 'utf8'));
  if (!Array.isArray(parsed) || !parsed.every((e) => typeof e === 'string')) {
    throw new Error(`${ALLOWLIST_FILE} must be a JSON array of "from-file -> to-file" strings`);
  }
  return parsed;
}

const explain = (v: Violation) => `${violationKey(v)}\n    ${v.reason}`;

describe('the layers of src/', () => {
  const { sources, known } = readTree();
  const graph = buildImportGraph(sources, known);
  const violations = layerViolations(graph);
  const allowlist = readAllowlist();
  const check = checkAllowlist(violations, allowlist);

  it('reads the whole tree', () => {
    expect(graph.files.length).toBeGreaterThan(300);
    expect(graph.files).toContain('src/core/limits.ts');
    expect(graph.edges.get('src/engine/engine.ts')?.some((f) => f.startsWith('src/core/'))).toBe(true);
  });

  it('resolves every relative import inside src/', () => {
    const unresolved = graph.unresolved.map((u) => `${u.from}: '${u.specifier}'`);
    expect(unresolved, `relative imports that name no file:\n${unresolved.join('\n')}`).toEqual([]);
  });

  it('has no import cycle between files', () => {
    const cycles = findCycles(graph).map((c) => describeCycle(c, graph));
    expect(
      cycles,
      `import cycles (import type counts too; move what both files need into a third file both import):\n${cycles.join('\n')}`,
    ).toEqual([]);
  });

  it('imports only along the layer direction, beyond the allowlisted known violations', () => {
    const unexpected = check.unexpected.map(explain);
    expect(
      unexpected,
      `imports against the layer rules (src/architectureRules.ts). Fix the import; do not add it to ${ALLOWLIST_FILE}:\n` +
        unexpected.join('\n'),
    ).toEqual([]);
  });

  it('has no feature, state or app file reaching into the engine, and no transformers.js in core', () => {
    const intoEngine = [...graph.edges].flatMap(([from, tos]) =>
      /^src\/(features|state|app|charts)\//.test(from) ? tos.filter((to) => to.startsWith('src/engine/')) : [],
    );
    expect(intoEngine).toEqual([]);
    const transformersInCore = [...graph.packages].filter(
      ([from, packages]) =>
        from.startsWith('src/core/') && packages.includes('@huggingface/transformers') && !isTestFile(from),
    );
    expect(transformersInCore).toEqual([]);
  });

  it('allowlists only violations that still occur (the list only shrinks)', () => {
    expect(
      check.stale,
      `these entries of ${ALLOWLIST_FILE} no longer occur: delete them from the allowlist:\n${check.stale.join('\n')}`,
    ).toEqual([]);
    expect(check.duplicates, `entries named twice in ${ALLOWLIST_FILE}`).toEqual([]);
    expect(allowlist, `keep ${ALLOWLIST_FILE} sorted`).toEqual([...allowlist].sort());
  });
});

describe('the checker, on a planted graph', () => {
  const planted = new Map<string, string>([
    ['src/core/pure.ts', "import { Panel } from '../features/x/Panel';\nexport const pure = 1;\n"],
    ['src/core/view.ts', "import { createRoot } from 'react-dom/client';\nimport { bin } from 'd3';\n"],
    ['src/core/fileRead.ts', "import fs from 'node:fs';\n"],
    ['src/core/fileRead.test.ts', "import fs from 'node:fs';\nimport { it } from 'vitest';\n"],
    ['src/features/x/Panel.tsx', "import { useSession } from '../../state/store';\nexport const Panel = 1;\n"],
    ['src/state/store.ts', "import type { Client } from '../worker/client';\nexport const useSession = 1;\n"],
    ['src/worker/client.ts', "import { Engine } from '../engine';\nexport type Client = 1;\n"],
    ['src/engine/index.ts', "export { a } from './a';\n"],
    ['src/engine/a.ts', "import type { B } from './b';\nexport const a = 1;\n"],
    ['src/engine/b.ts', "export type B = 1;\nexport const lazy = () => import('./a');\n"],
    ['src/charts/Bars.tsx', "import { download } from '../app/download';\n"],
    ['src/app/download.ts', 'export const download = 1;\n'],
    ['src/core/runtime.ts', "import * as ort from 'onnxruntime-node';\n"],
    [
      'src/core/runtime.test.ts',
      "import * as ort from 'onnxruntime-node';\nimport { AutoTokenizer } from '@huggingface/transformers';\n",
    ],
    ['src/protocol/calls.ts', "import type { B } from '../engine/b';\nimport type { Limits } from '../core/limits';\n"],
    [
      'src/features/y/Direct.tsx',
      "import type { B } from '../../engine/b';\nimport type { Calls } from '../../protocol/calls';\n",
    ],
  ]);
  const graph = buildImportGraph(planted);
  const violations = layerViolations(graph);
  const keys = violations.map(violationKey);

  it('sees import type, re-exports and dynamic import(), and resolves a folder to its index', () => {
    expect(listImports("import type { X } from './x';\nexport * from './y';\nconst m = import('./z');\n")).toEqual([
      './x',
      './y',
      './z',
    ]);
    expect(resolveImport('src/worker/client.ts', '../engine', new Set(planted.keys()))).toBe('src/engine/index.ts');
    expect(resolveImport('src/engine/a.ts', './b.js', new Set(planted.keys()))).toBe('src/engine/b.ts');
    expect(graph.edges.get('src/engine/b.ts')).toEqual(['src/engine/a.ts']);
  });

  it('reports the two-file cycle, type-only and dynamic edges included', () => {
    const cycles = findCycles(graph);
    expect(cycles).toEqual([['src/engine/a.ts', 'src/engine/b.ts']]);
    expect(describeCycle(cycles[0], graph)).toMatch(/^src\/engine\/a\.ts → src\/engine\/b\.ts → src\/engine\/a\.ts/);
  });

  it('reports a file importing itself as a cycle', () => {
    const self = buildImportGraph(new Map([['src/core/self.ts', "export * from './self';\n"]]));
    expect(findCycles(self)).toEqual([['src/core/self.ts']]);
  });

  it('reports a core file importing a features file, and every other import against the layers', () => {
    expect(keys).toContain('src/core/pure.ts -> src/features/x/Panel.tsx');
    expect(violations.find((v) => v.from === 'src/core/pure.ts')?.reason).toMatch(/core may not import features/);
    expect(keys).toContain('src/charts/Bars.tsx -> src/app/download.ts');
    // The legal direction is not reported: features → state → worker → engine.
    expect(keys.filter((k) => /features\/x|state\/store|worker\/client/.test(k.split(' -> ')[0]))).toEqual([]);
  });

  it('reports browser and runtime packages in core, and Node built-ins outside core tests', () => {
    expect(keys).toContain('src/core/view.ts -> react-dom/client');
    expect(keys).not.toContain('src/core/view.ts -> d3');
    expect(keys).toContain('src/core/fileRead.ts -> node:fs');
    expect(keys).not.toContain('src/core/fileRead.test.ts -> node:fs');
  });

  it('lets core tests import an oracle package that core code may not', () => {
    expect(keys).toContain('src/core/runtime.ts -> onnxruntime-node');
    expect(keys).not.toContain('src/core/runtime.test.ts -> onnxruntime-node');
    expect(keys).not.toContain('src/core/runtime.test.ts -> @huggingface/transformers');
  });

  it('reports the protocol or a feature importing the engine, not a feature importing the protocol', () => {
    expect(keys).toContain('src/protocol/calls.ts -> src/engine/b.ts');
    expect(keys).toContain('src/features/y/Direct.tsx -> src/engine/b.ts');
    expect(keys).not.toContain('src/features/y/Direct.tsx -> src/protocol/calls.ts');
  });

  it('lets the allowlist through, and names entries that no longer occur', () => {
    const allowed = [...keys, 'src/core/gone.ts -> src/app/App.tsx'];
    expect(checkAllowlist(violations, allowed)).toEqual({
      unexpected: [],
      stale: ['src/core/gone.ts -> src/app/App.tsx'],
      duplicates: [],
    });
    const partial = checkAllowlist(violations, keys.slice(1));
    expect(partial.unexpected.map(violationKey)).toEqual([keys[0]]);
  });
});
