/**
 * The layer rules of src/ as plain functions (docs/ARCHITECTURE.md, "Layer rules"): build the
 * import graph of a set of sources, find import cycles (Tarjan's strongly connected components),
 * list imports against the layer direction, and compare what was found with an allowlist of
 * known violations. Pure: no file system, no test framework; src/architecture.test.ts runs it on
 * the real tree and on a small planted graph.
 */
import ts from 'typescript';

/**
 * A folder directly under src/ is a layer. Tests (`*.test.ts(x)`) live beside the file they test,
 * so they follow the same rules.
 */
export type Layer =
  | 'core'
  | 'protocol'
  | 'storage'
  | 'engine'
  | 'worker'
  | 'state'
  | 'charts'
  | 'features'
  | 'app'
  | 'cli'
  | 'serviceWorker';

export interface LayerRule {
  /** Layers this one may import (besides itself). */
  mayImport: readonly Layer[];
  /** npm packages this layer must not import (a package name, or a prefix ending in `/` or `*`). */
  forbiddenPackages?: readonly string[];
  /** No Node built-ins (`node:*`, `fs`, …) in the layer's non-test files: they run in the browser. */
  noNodeBuiltins?: boolean;
  /**
   * Forbidden packages the layer's tests may still import: independent implementations that the
   * pure code is checked against (onnxruntime-node reading the same ONNX file, transformers.js
   * tokenizing the same text).
   */
  testOraclePackages?: readonly string[];
  why: string;
}

/** Packages pure layers (core, protocol) must not import. */
const CORE_FORBIDDEN_PACKAGES: readonly string[] = [
  '@huggingface/transformers',
  'onnxruntime-web',
  'onnxruntime-node',
  'onnxruntime-common',
  'react',
  'react-dom',
  '@tanstack/*',
  'zustand',
  'idb',
  'fake-indexeddb',
  'd3-selection',
  'd3-transition',
  'd3-zoom',
  'd3-drag',
  'd3-brush',
  'd3-axis',
];

/**
 * core ← storage ← engine ← worker ← state ← features ← app, with charts beside features and
 * cli beside worker (an arrow: "may be imported by"). protocol (the worker's contract: request,
 * result and progress types per view, and the pure helpers both sides need) sits on core and is
 * imported by every layer above it. The main thread (state, features, charts, app) reaches the
 * engine only through src/worker/client.ts, speaking src/protocol/.
 */
export const LAYER_RULES: Readonly<Record<Layer, LayerRule>> = {
  core: {
    mayImport: [],
    forbiddenPackages: CORE_FORBIDDEN_PACKAGES,
    noNodeBuiltins: true,
    testOraclePackages: ['onnxruntime-node', '@huggingface/transformers'],
    why: 'pure TypeScript: no DOM, React, storage or inference runtime; imports nothing else from src/',
  },
  protocol: {
    mayImport: ['core'],
    forbiddenPackages: CORE_FORBIDDEN_PACKAGES,
    noNodeBuiltins: true,
    why: "the worker's contract: plain data types and pure helpers over core, shared by the engine and the UI",
  },
  storage: {
    mayImport: ['core'],
    why: 'IndexedDB persistence over core types; used by engine, worker, state, features, app and cli',
  },
  engine: {
    mayImport: ['core', 'protocol', 'storage'],
    why: 'runs in the worker (and under Node for the CLI)',
  },
  worker: {
    mayImport: ['engine', 'protocol', 'core', 'storage'],
    why: 'the worker entry, the client and the message carriage; the only way from the main thread to the engine',
  },
  state: {
    mayImport: ['worker', 'protocol', 'core', 'storage'],
    why: 'main thread: calls the engine only through src/worker/client.ts',
  },
  charts: {
    mayImport: ['core', 'protocol'],
    why: 'charts take props: no store, no worker, no app',
  },
  features: {
    mayImport: ['state', 'worker', 'protocol', 'charts', 'core', 'storage'],
    why: 'main thread: calls the engine only through state and src/worker/client.ts',
  },
  app: {
    mayImport: ['features', 'state', 'worker', 'protocol', 'charts', 'core', 'storage'],
    why: 'the shell over the features (main thread)',
  },
  cli: {
    mayImport: ['engine', 'protocol', 'core', 'storage'],
    why: 'drives engine and core directly under Node, never the UI; nothing imports it',
  },
  serviceWorker: {
    mayImport: ['core'],
    forbiddenPackages: CORE_FORBIDDEN_PACKAGES,
    noNodeBuiltins: true,
    why: 'the offline service worker (its own bundle, /sw.js): caching rules from core/offline; nothing imports it',
  },
};

/** Files directly in src/ that belong to a layer (the rest, like this file, are tooling). */
const ROOT_FILE_LAYERS: Readonly<Record<string, Layer>> = {
  'main.tsx': 'app',
};

const SOURCE_EXTENSIONS = ['.ts', '.tsx'];
const RESOLVE_SUFFIXES = ['', '.ts', '.tsx', '.d.ts', '/index.ts', '/index.tsx'];

export function isSourceFile(file: string): boolean {
  return SOURCE_EXTENSIONS.some((ext) => file.endsWith(ext));
}

/** Vitest files: tests (`*.test.ts(x)`) and benchmarks (`*.bench.ts(x)`). */
export function isTestFile(file: string): boolean {
  return /\.(test|bench)\.tsx?$/.test(file);
}

/** The layer of a path relative to the repository root (`src/engine/x.ts` → engine), or null. */
export function layerOf(file: string): Layer | null {
  const parts = file.split('/');
  if (parts[0] !== 'src') return null;
  if (parts.length === 2) return ROOT_FILE_LAYERS[parts[1]] ?? null;
  const folder = parts[1];
  return Object.prototype.hasOwnProperty.call(LAYER_RULES, folder) ? (folder as Layer) : null;
}

/** Every module specifier a file names: imports, re-exports, `import type`, `import()`, `require()`. */
export function listImports(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

export function isRelative(specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..';
}

/** `a/b/../c` → `a/c` (posix, no leading `/`); null when it climbs above the root. */
function normalize(p: string): string | null {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return null;
      out.pop();
    } else out.push(part);
  }
  return out.join('/');
}

function dirname(file: string): string {
  const i = file.lastIndexOf('/');
  return i < 0 ? '' : file.slice(0, i);
}

/**
 * The file a relative specifier names, among `known` (every file of the tree, relative to the
 * repository root): `./x` → x, x.ts, x.tsx, x.d.ts, x/index.ts, x/index.tsx; `./x.js` → x.ts.
 */
export function resolveImport(from: string, specifier: string, known: ReadonlySet<string>): string | null {
  const base = normalize(`${dirname(from)}/${specifier}`);
  if (base === null) return null;
  for (const suffix of RESOLVE_SUFFIXES) {
    if (known.has(base + suffix)) return base + suffix;
  }
  const js = /\.(m|c)?jsx?$/.exec(base);
  if (js) {
    const stem = base.slice(0, -js[0].length);
    for (const ext of SOURCE_EXTENSIONS) if (known.has(stem + ext)) return stem + ext;
  }
  return null;
}

function leavesTopFolder(from: string, specifier: string): boolean {
  const target = normalize(`${dirname(from)}/${specifier}`);
  return target === null || target.split('/')[0] !== from.split('/')[0];
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`; `node:fs` → `node:fs`. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const NODE_BUILTINS = new Set([
  'assert',
  'buffer',
  'child_process',
  'cluster',
  'crypto',
  'dgram',
  'dns',
  'events',
  'fs',
  'http',
  'http2',
  'https',
  'module',
  'net',
  'os',
  'path',
  'perf_hooks',
  'process',
  'readline',
  'stream',
  'tls',
  'url',
  'util',
  'v8',
  'vm',
  'worker_threads',
  'zlib',
]);

export function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || NODE_BUILTINS.has(packageName(specifier));
}

export interface ImportGraph {
  /** Every source file (.ts/.tsx), sorted. */
  files: string[];
  /** Relative imports resolved to files of the tree (source or not: .json, .css), per source file. */
  edges: Map<string, string[]>;
  /** Bare specifiers (npm packages, Node built-ins), per source file. */
  packages: Map<string, string[]>;
  /** Relative imports that leave the tree's top folder (src/ → tools/, package.json): not checked. */
  outside: { from: string; specifier: string }[];
  /** Relative imports inside the tree that name no file of it. */
  unresolved: { from: string; specifier: string }[];
}

/**
 * The import graph of `sources` (path relative to the repository root → text). `known` is every
 * file of the tree (any extension); it defaults to the sources' paths.
 */
export function buildImportGraph(sources: ReadonlyMap<string, string>, known?: ReadonlySet<string>): ImportGraph {
  const all = known ?? new Set(sources.keys());
  const files = [...sources.keys()].filter(isSourceFile).sort();
  const edges = new Map<string, string[]>();
  const packages = new Map<string, string[]>();
  const unresolved: ImportGraph['unresolved'] = [];
  const outside: ImportGraph['outside'] = [];
  for (const file of files) {
    const targets = new Set<string>();
    const bare = new Set<string>();
    for (const specifier of listImports(sources.get(file) ?? '')) {
      if (!isRelative(specifier)) {
        bare.add(specifier);
        continue;
      }
      const target = resolveImport(file, specifier, all);
      if (target !== null) targets.add(target);
      else if (leavesTopFolder(file, specifier)) outside.push({ from: file, specifier });
      else unresolved.push({ from: file, specifier });
    }
    edges.set(file, [...targets].sort());
    packages.set(file, [...bare].sort());
  }
  return { files, edges, packages, outside, unresolved };
}

/** Tarjan's strongly connected components of a directed graph (iterative: no deep recursion). */
export function stronglyConnectedComponents(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const lowlink = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let next = 0;
  const successors = (v: string) => (edges.get(v) ?? []).filter((w) => edges.has(w));

  for (const root of edges.keys()) {
    if (index.has(root)) continue;
    const work: { node: string; children: string[]; i: number }[] = [];
    const visit = (v: string) => {
      index.set(v, next);
      lowlink.set(v, next);
      next++;
      stack.push(v);
      onStack.add(v);
      work.push({ node: v, children: successors(v), i: 0 });
    };
    visit(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      if (frame.i < frame.children.length) {
        const w = frame.children[frame.i++];
        if (!index.has(w)) visit(w);
        else if (onStack.has(w)) lowlink.set(frame.node, Math.min(lowlink.get(frame.node)!, index.get(w)!));
        continue;
      }
      work.pop();
      const v = frame.node;
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        lowlink.set(parent, Math.min(lowlink.get(parent)!, lowlink.get(v)!));
      }
      if (lowlink.get(v) === index.get(v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== v);
        components.push(component.sort());
      }
    }
  }
  return components;
}

/** The import cycles: components of more than one file, and files that import themselves. */
export function findCycles(graph: ImportGraph): string[][] {
  return stronglyConnectedComponents(graph.edges)
    .filter((c) => c.length > 1 || (graph.edges.get(c[0]) ?? []).includes(c[0]))
    .sort((a, b) => a[0].localeCompare(b[0]));
}

/** One concrete cycle through a component, for the message: `a.ts → b.ts → a.ts`. */
export function describeCycle(component: readonly string[], graph: ImportGraph): string {
  const members = new Set(component);
  const start = component[0];
  // Breadth-first from start's successors back to start, inside the component.
  const previous = new Map<string, string>();
  const queue: string[] = [];
  for (const w of graph.edges.get(start) ?? []) {
    if (members.has(w) && !previous.has(w)) {
      previous.set(w, start);
      queue.push(w);
    }
  }
  while (queue.length > 0 && !previous.has(start)) {
    const v = queue.shift()!;
    for (const w of graph.edges.get(v) ?? []) {
      if (members.has(w) && !previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  const path = [start];
  for (let v = previous.get(start); v !== undefined && v !== start; v = previous.get(v)) path.unshift(v);
  path.unshift(start);
  const files = component.length > 1 ? ` (files in the cycle: ${component.join(', ')})` : '';
  return `${path.join(' → ')}${files}`;
}

export type ViolationKind = 'layer' | 'package';

export interface Violation {
  kind: ViolationKind;
  from: string;
  /** A file of the tree (layer) or a module specifier (package). */
  to: string;
  reason: string;
}

/** The allowlist's spelling of a violation: `from-file -> to-file` (or `-> package`). */
export function violationKey(v: Pick<Violation, 'from' | 'to'>): string {
  return `${v.from} -> ${v.to}`;
}

function forbidsPackage(rule: LayerRule, specifier: string, inTest: boolean): boolean {
  const name = packageName(specifier);
  if (inTest && (rule.testOraclePackages ?? []).includes(name)) return false;
  return (rule.forbiddenPackages ?? []).some((p) =>
    p.endsWith('*') ? specifier.startsWith(p.slice(0, -1)) : name === p || specifier === p,
  );
}

/** Every import against the layer direction, and every forbidden package, in file order. */
export function layerViolations(graph: ImportGraph): Violation[] {
  const violations: Violation[] = [];
  for (const from of graph.files) {
    const fromLayer = layerOf(from);
    if (fromLayer === null) continue;
    const rule = LAYER_RULES[fromLayer];
    for (const to of graph.edges.get(from) ?? []) {
      const toLayer = layerOf(to);
      if (toLayer === null || toLayer === fromLayer || rule.mayImport.includes(toLayer)) continue;
      violations.push({
        kind: 'layer',
        from,
        to,
        reason: `${fromLayer} may not import ${toLayer} (${fromLayer} may import: ${rule.mayImport.join(', ') || 'nothing else in src/'})`,
      });
    }
    for (const specifier of graph.packages.get(from) ?? []) {
      if (forbidsPackage(rule, specifier, isTestFile(from))) {
        violations.push({
          kind: 'package',
          from,
          to: specifier,
          reason: `${fromLayer} may not import the package ${specifier} (${rule.why})`,
        });
      } else if (rule.noNodeBuiltins && !isTestFile(from) && isNodeBuiltin(specifier)) {
        violations.push({
          kind: 'package',
          from,
          to: specifier,
          reason: `${fromLayer} may not import the Node built-in ${specifier}: it runs in the browser`,
        });
      }
    }
  }
  // One entry per (from, to): a file naming the same module twice is one violation.
  const seen = new Set<string>();
  return violations.filter((v) => {
    const key = violationKey(v);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export interface AllowlistCheck {
  /** Violations the allowlist does not name: new leaks. */
  unexpected: Violation[];
  /** Allowlist entries that no longer occur: delete them. */
  stale: string[];
  /** Entries named twice. */
  duplicates: string[];
}

export function checkAllowlist(violations: readonly Violation[], allowlist: readonly string[]): AllowlistCheck {
  const allowed = new Set<string>();
  const duplicates: string[] = [];
  for (const entry of allowlist) {
    if (allowed.has(entry)) duplicates.push(entry);
    allowed.add(entry);
  }
  const found = new Set(violations.map(violationKey));
  return {
    unexpected: violations.filter((v) => !allowed.has(violationKey(v))),
    stale: [...allowed].filter((entry) => !found.has(entry)),
    duplicates,
  };
}
