/**
 * Reading one file of a tree the model wrote. `open` on a FIFO blocks until a writer appears, a
 * symlink can point at `/dev/zero` or a host file, and a file can be swapped between `lstat` and
 * `open`; so files are opened with O_NOFOLLOW | O_NONBLOCK, checked with `fstat` on the open
 * descriptor, and read only up to a cap.
 */
import { constants } from "node:fs";
import { open, readlink } from "node:fs/promises";

export type ReadResult = { ok: true; bytes: Buffer } | { ok: false; reason: "not-regular" | "too-large" | "missing" | "changed" };

export async function readRegularFile(file: string, maxBytes: number): Promise<ReadResult> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { ok: false, reason: "missing" };
    if (code === "ELOOP" || code === "ENXIO" || code === "EISDIR") return { ok: false, reason: "not-regular" };
    throw error;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return { ok: false, reason: "not-regular" };
    if (stat.size > maxBytes) return { ok: false, reason: "too-large" };
    const bytes = Buffer.allocUnsafe(stat.size);
    let offset = 0;
    while (offset < stat.size) {
      const { bytesRead } = await handle.read(bytes, offset, stat.size - offset, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
    }
    // One more byte means the file grew while we read it: refuse rather than commit half of it.
    const probe = Buffer.alloc(1);
    const { bytesRead: extra } = await handle.read(probe, 0, 1, offset);
    if (offset !== stat.size || extra !== 0) return { ok: false, reason: "changed" };
    return { ok: true, bytes };
  } finally {
    await handle.close();
  }
}

/** A symlink's target as raw bytes (what git stores as the blob), never followed. */
export async function readLinkBytes(file: string): Promise<Buffer> {
  return readlink(file, { encoding: "buffer" });
}
