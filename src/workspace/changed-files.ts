/**
 * What the job changed: the work tree (committed or not) compared with the commit the job started
 * from. Renames are exact-content matches between a deleted and an added path, as git's default
 * similarity would report them at 100%.
 */
import type { ComparedEntry } from "./compare-work-tree.js";

export type ChangeStatus = "added" | "modified" | "deleted" | "renamed";

export interface ChangedFile {
  path: string;
  status: ChangeStatus;
  /** For renames: the path in the base commit. */
  oldPath?: string;
  /** File modes as octal strings (`100644`, `100755`, `120000`); absent on the missing side. */
  oldMode?: string;
  newMode?: string;
  /** True when only or also the mode changed (e.g. the executable bit). */
  modeChanged: boolean;
  /** Blob ids, for reading contents. */
  oldOid?: string;
  newOid?: string;
}

const octal = (mode: number): string => mode.toString(8);

export function classify(entries: readonly ComparedEntry[]): ChangedFile[] {
  const out: ChangedFile[] = [];
  const added: ComparedEntry[] = [];
  const deleted: ComparedEntry[] = [];
  for (const e of entries) {
    if (e.base && e.work) {
      if (e.base.oid === e.work.oid && e.base.mode === e.work.mode) continue;
      out.push({
        path: e.path,
        status: "modified",
        oldMode: octal(e.base.mode),
        newMode: octal(e.work.mode),
        modeChanged: e.base.mode !== e.work.mode,
        oldOid: e.base.oid,
        newOid: e.work.oid,
      });
    } else if (e.work) added.push(e);
    else if (e.base) deleted.push(e);
  }
  const deletedByOid = new Map<string, ComparedEntry[]>();
  for (const d of deleted) deletedByOid.set(d.base!.oid, [...(deletedByOid.get(d.base!.oid) ?? []), d]);
  const renamedFrom = new Set<string>();
  for (const a of added) {
    const source = deletedByOid.get(a.work!.oid)?.find((d) => !renamedFrom.has(d.path));
    if (source) {
      renamedFrom.add(source.path);
      out.push({
        path: a.path,
        status: "renamed",
        oldPath: source.path,
        oldMode: octal(source.base!.mode),
        newMode: octal(a.work!.mode),
        modeChanged: source.base!.mode !== a.work!.mode,
        oldOid: source.base!.oid,
        newOid: a.work!.oid,
      });
    } else {
      out.push({ path: a.path, status: "added", newMode: octal(a.work!.mode), modeChanged: false, newOid: a.work!.oid });
    }
  }
  for (const d of deleted) {
    if (renamedFrom.has(d.path)) continue;
    out.push({ path: d.path, status: "deleted", oldMode: octal(d.base!.mode), modeChanged: false, oldOid: d.base!.oid });
  }
  return out.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}
