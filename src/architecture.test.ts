/**
 * The shape of the program, checked on the source: no import cycles between folders, and the AWS
 * files and STS reached only through their ports in Deps (DESIGN.md; issue 7, section 6).
 *
 * Imports are read with a regular expression over the sources (static `import … from`, `export …
 * from` and `import('…')`); `import type` is erased by tsc and so never a runtime dependency.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = dirname(fileURLToPath(import.meta.url));

interface Edge {
  from: string;
  to: string;
  typeOnly: boolean;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(import|export)\s+(type\s+)?[^'";]*?\bfrom\s+['"](\.{1,2}\/[^'"]+)['"]|\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

/** Every relative import of `text` (a file at `file`, relative to src), as src-relative paths. */
export function importsOf(file: string, text: string): Edge[] {
  const edges: Edge[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[3] ?? m[4]!;
    edges.push({ from: file, to: normalize(join(dirname(file), spec)).replace(/\.js$/, '.ts'), typeOnly: Boolean(m[2]) });
  }
  return edges;
}

function allEdges(): Edge[] {
  return sources(SRC).flatMap((path) => importsOf(relative(SRC, path), readFileSync(path, 'utf8')));
}

const folderOf = (file: string): string => (file.includes('/') ? file.slice(0, file.indexOf('/')) : '.');

/** Folder-level cycles, as paths "a -> b -> a"; the top-level files (errors, deps, cli) are the shared root. */
export function folderCycles(edges: Edge[]): string[] {
  const graph = new Map<string, Set<string>>();
  for (const e of edges) {
    const a = folderOf(e.from);
    const b = folderOf(e.to);
    if (e.typeOnly || a === b || a === '.' || b === '.') continue;
    if (!graph.has(a)) graph.set(a, new Set());
    graph.get(a)!.add(b);
  }
  const cycles: string[] = [];
  const visit = (start: string, node: string, path: string[]): void => {
    for (const next of graph.get(node) ?? []) {
      if (next === start) cycles.push([...path, next].join(' -> '));
      else if (!path.includes(next) && next > start) visit(start, next, [...path, next]);
    }
  };
  for (const start of [...graph.keys()].sort()) visit(start, start, [start]);
  return cycles;
}

describe('architecture', () => {
  it('reads static, re-exported, dynamic and type-only imports', () => {
    const edges = importsOf(
      'commands/x.ts',
      "import { a } from '../chain/y.js';\nimport type { B } from './b.js';\nexport { c } from '../ui/c.js';\nconst d = await import('../sts/client.js');\n",
    );
    expect(edges).toEqual([
      { from: 'commands/x.ts', to: 'chain/y.ts', typeOnly: false },
      { from: 'commands/x.ts', to: 'commands/b.ts', typeOnly: true },
      { from: 'commands/x.ts', to: 'ui/c.ts', typeOnly: false },
      { from: 'commands/x.ts', to: 'sts/client.ts', typeOnly: false },
    ]);
  });

  it('finds a cycle between two folders, and ignores type-only imports and the shared root', () => {
    const cyclic = [
      { from: 'a/x.ts', to: 'b/y.ts', typeOnly: false },
      { from: 'b/y.ts', to: 'a/z.ts', typeOnly: false },
    ];
    expect(folderCycles(cyclic)).toEqual(['a -> b -> a']);
    expect(folderCycles([cyclic[0]!, { ...cyclic[1]!, typeOnly: true }])).toEqual([]);
    expect(folderCycles([{ from: 'a/x.ts', to: 'errors.ts', typeOnly: false }, { from: 'errors.ts', to: 'a/y.ts', typeOnly: false }])).toEqual([]);
  });

  it('has no import cycle between folders of src', () => {
    expect(folderCycles(allEdges())).toEqual([]);
  });

  it('reaches ~/.aws and STS only through the ports in Deps (file-store and sts/client are imported by their port alone)', () => {
    const ports: Record<string, string[]> = {
      'credentials/file-store.ts': ['credentials/aws-files.ts'],
      // The bench measures the STS client itself, outside any command.
      'sts/client.ts': ['sts/port.ts', 'bench/run.ts'],
    };
    const offenders = allEdges()
      .filter((e) => !e.typeOnly && ports[e.to] && !ports[e.to]!.includes(e.from))
      .map((e) => `${e.from} imports ${e.to}`);
    expect(offenders).toEqual([]);
  });
});
