import { describe, expect, it } from "vitest";
import { createOutputCollector, finalizeOutputs } from "../../../src/sandbox/output-collector.js";

const feed = (cap: number, text: string, chunk = 7) => {
  const c = createOutputCollector(cap);
  for (let i = 0; i < text.length; i += chunk) c.push(Buffer.from(text.slice(i, i + chunk)));
  return c;
};

describe("output cap", () => {
  it("keeps short output whole", () => {
    const [out, err] = finalizeOutputs([feed(100, "hello"), feed(100, "")], 100);
    expect(out).toEqual({ text: "hello", truncated: false });
    expect(err).toEqual({ text: "", truncated: false });
  });

  it("keeps the head and the tail of long output and marks the cut", () => {
    const text = `HEAD${"x".repeat(10_000)}TAIL`;
    const [out] = finalizeOutputs([feed(100, text), feed(100, "")], 100);
    expect(out?.truncated).toBe(true);
    expect(out?.text.startsWith("HEAD")).toBe(true);
    expect(out?.text.endsWith("TAIL")).toBe(true);
    expect(out?.text).toMatch(/\[\.\.\. 9908 bytes cut by the sandbox output cap/);
  });

  it("gives the budget a quiet stream does not use to the other one", () => {
    const [out, err] = finalizeOutputs([feed(100, "a".repeat(90)), feed(100, "b".repeat(5))], 100);
    expect(out).toEqual({ text: "a".repeat(90), truncated: false });
    expect(err?.text).toBe("bbbbb");
  });

  it("bounds memory whatever the volume", () => {
    const c = createOutputCollector(1000);
    for (let i = 0; i < 10_000; i++) c.push(Buffer.alloc(1000, 121));
    const snap = c.snapshot();
    expect(snap.total).toBe(10_000_000);
    expect(snap.head.length + snap.tail.length).toBeLessThanOrEqual(2000);
  });
});
