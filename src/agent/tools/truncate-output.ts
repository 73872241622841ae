/**
 * Every tool output is capped before it reaches the model (codex-cli's truncating collector):
 * the head and the tail are kept, by lines and by bytes, with a marker saying what was cut.
 */
export interface OutputCap {
  maxBytes: number;
  maxLines: number;
}

export const DEFAULT_OUTPUT_CAP: OutputCap = { maxBytes: 16 * 1024, maxLines: 256 };

export function truncateOutput(text: string, cap: OutputCap = DEFAULT_OUTPUT_CAP): string {
  const lines = text.split("\n");
  if (Buffer.byteLength(text) <= cap.maxBytes && lines.length <= cap.maxLines) return text;
  const half = Math.floor(cap.maxBytes / 2);
  const headLines: string[] = [];
  let bytes = 0;
  for (const line of lines.slice(0, Math.floor(cap.maxLines / 2))) {
    const b = Buffer.byteLength(line) + 1;
    if (bytes + b > half) {
      if (headLines.length === 0) headLines.push(cutBytes(line, half));
      break;
    }
    headLines.push(line);
    bytes += b;
  }
  const tailLines: string[] = [];
  bytes = 0;
  for (const line of lines
    .slice(headLines.length)
    .reverse()
    .slice(0, Math.floor(cap.maxLines / 2))) {
    const b = Buffer.byteLength(line) + 1;
    if (bytes + b > half) {
      if (tailLines.length === 0) tailLines.push(cutBytes(line, half, true));
      break;
    }
    tailLines.unshift(line);
    bytes += b;
  }
  const omitted = lines.length - headLines.length - tailLines.length;
  const totalBytes = Buffer.byteLength(text);
  return `${headLines.join("\n")}\n[... ${omitted} lines omitted; output was ${totalBytes} bytes, ${lines.length} lines ...]\n${tailLines.join("\n")}`;
}

function cutBytes(s: string, max: number, fromEnd = false): string {
  const buf = Buffer.from(s);
  if (buf.length <= max) return s;
  const part = fromEnd ? buf.subarray(buf.length - max) : buf.subarray(0, max);
  return part.toString("utf8").replace(/\uFFFD/g, "");
}
