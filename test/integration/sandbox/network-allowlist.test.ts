import net from "node:net";
import nock from "nock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runCommand } from "../../../src/sandbox/index.js";
import { startNetworkProxy } from "../../../src/sandbox/network-proxy.js";
import { createFakeHost, type FakeHost } from "./fixture.js";

// The proxy is reached over a unix socket, which nock's interceptor would otherwise refuse; the
// only TCP peers are loopback servers started here.
beforeAll(() => nock.enableNetConnect(() => true));
afterAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/);
});

let host: FakeHost;
beforeEach(() => {
  host = createFakeHost();
});
afterEach(() => host.cleanup());

describe("network allowlist", () => {
  it("inside the sandbox only the proxy is reachable, and it refuses hosts not on the list", async () => {
    const result = await runCommand(host.policy({ network: ["registry.npmjs.org"] }), {
      script: [
        "echo proxy=$HTTPS_PROXY",
        "curl -sS --max-time 5 https://evil.example.com/ 2>&1; echo curl=$?",
        // Going around the proxy: no route out of the empty network namespace.
        "curl -sS --noproxy '*' --max-time 3 https://registry.npmjs.org/ 2>&1; echo direct=$?",
      ].join("; "),
      timeoutMs: 20_000,
    });
    expect(result.stdout).toContain("proxy=http://127.0.0.1:3128");
    // The 403 comes back from the app-side proxy through the in-sandbox forwarder.
    expect(result.stdout).toMatch(/CONNECT tunnel failed, response 403/);
    expect(result.stdout).not.toMatch(/direct=0/);
  });

  it("the proxy tunnels to an allowed host and refuses private addresses by default", async () => {
    const upstream = net.createServer((s) => s.end("upstream says hi\n"));
    await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
    const port = (upstream.address() as net.AddressInfo).port;
    const allowed = await startNetworkProxy([`localhost:${port}`], { allowPrivateAddresses: true });
    const strict = await startNetworkProxy([`localhost:${port}`]);
    try {
      expect(await connectThrough(allowed.socketPath, `localhost:${port}`)).toMatch(/200 Connection Established[\s\S]*upstream says hi/);
      expect(await connectThrough(allowed.socketPath, `other.example.com:443`)).toMatch(/403/);
      // Loopback, private and metadata addresses are refused even when the name is listed.
      expect(await connectThrough(strict.socketPath, `localhost:${port}`)).toMatch(/502/);
    } finally {
      await allowed.close();
      await strict.close();
      upstream.close();
    }
  });
});

function connectThrough(socketPath: string, target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(socketPath, () => s.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`));
    let out = "";
    s.on("data", (d) => (out += d.toString()));
    s.on("end", () => resolve(out));
    s.on("error", reject);
    setTimeout(() => {
      s.destroy();
      resolve(out);
    }, 2000);
  });
}
