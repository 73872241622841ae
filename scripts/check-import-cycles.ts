/**
 * `npm run lint` step: fail on any import cycle among src/ modules (type-only imports included:
 * a cycle of types is still a design knot). Imports are read with TypeScript's own pre-processor
 * and resolved relative to the importing file (`./x.js` -> `./x.ts`), so no resolver plugin is needed.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

const root = path.resolve(process.argv[2] ?? "src");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : full.endsWith(".ts") && !full.endsWith(".d.ts") ? [full] : [];
  });
}

const all = files(root);
const known = new Set(all);
const graph = new Map<string, string[]>();
for (const file of all) {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
  const deps: string[] = [];
  for (const { fileName } of importedFiles) {
    if (!fileName.startsWith(".")) continue;
    const target = path.resolve(path.dirname(file), fileName).replace(/\.js$/, ".ts");
    if (known.has(target)) deps.push(target);
  }
  graph.set(file, deps);
}

// Tarjan's strongly connected components: every component of more than one file is a cycle.
let index = 0;
const indices = new Map<string, number>();
const low = new Map<string, number>();
const stack: string[] = [];
const onStack = new Set<string>();
const cycles: string[][] = [];
function visit(v: string): void {
  indices.set(v, index);
  low.set(v, index);
  index++;
  stack.push(v);
  onStack.add(v);
  for (const w of graph.get(v) ?? []) {
    if (!indices.has(w)) {
      visit(w);
      low.set(v, Math.min(low.get(v)!, low.get(w)!));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!));
  }
  if (low.get(v) === indices.get(v)) {
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component);
  }
}
for (const file of all) if (!indices.has(file)) visit(file);

if (cycles.length > 0) {
  for (const cycle of cycles)
    console.error(
      `import cycle: ${cycle
        .map((f) => path.relative(process.cwd(), f))
        .sort()
        .join(" <-> ")}`,
    );
  process.exit(1);
}
console.log(`no import cycles among ${all.length} modules`);
