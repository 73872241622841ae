/**
 * Network allowlist for setup commands such as `npm ci`. The sandbox keeps its own empty network
 * namespace; the only way out is an HTTPS CONNECT proxy running in this (the app's) process on a
 * unix socket bound into the sandbox. Inside, a tiny forwarder (the app's own node binary, bound
 * read-only) listens on 127.0.0.1:3128 and relays to that socket, and HTTPS_PROXY points at it.
 *
 * The proxy allows CONNECT only (no plain HTTP), to listed hosts only (`*.example.com` matches
 * subdomains; a host without a port means 443), resolves names itself and refuses loopback,
 * private and link-local addresses (no metadata endpoint, no DNS-rebinding into the host).
 * Programs that ignore HTTPS_PROXY simply cannot connect. It filters by name, not content: an
 * allowed host that stores user data (a registry, a paste site) can still receive data.
 */
import { lookup } from "node:dns/promises";
import { mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export const PROXY_PORT = 3128;
const SANDBOX_DIR = "/run/issue-agent";
const SANDBOX_NODE = "/run/issue-agent-node";

export interface NetworkProxy {
  /** Host path of the unix socket the proxy listens on. */
  socketPath: string;
  /** (host, sandbox) pairs to bind read-only: the socket dir and the node binary. */
  binds: (readonly [string, string])[];
  env: Record<string, string>;
  /** Starts the in-sandbox forwarder, waits until it listens, then execs the command. */
  wrap(command: readonly string[]): string[];
  /** Host destinations the proxy refused (for logs and tests). */
  readonly refused: string[];
  close(): Promise<void>;
}

const FORWARDER = `const net = require("node:net");
const server = net.createServer((c) => {
  const u = net.connect(${JSON.stringify(`${SANDBOX_DIR}/proxy.sock`)});
  c.pipe(u); u.pipe(c);
  c.on("error", () => u.destroy()); u.on("error", () => c.destroy());
});
server.listen(${PROXY_PORT}, "127.0.0.1", () => process.stdout.write("ready\\n"));
`;

export function isHostAllowed(allowlist: readonly string[], host: string, port: number): boolean {
  const h = host.toLowerCase().replace(/\.$/, "");
  return allowlist.some((entry) => {
    const [pattern = "", portText] = entry.toLowerCase().split(":");
    if (port !== (portText === undefined ? 443 : Number(portText))) return false;
    if (pattern.startsWith("*.")) return h.endsWith(pattern.slice(1)) && h.length > pattern.length - 1;
    return h === pattern;
  });
}

export function isPublicAddress(address: string): boolean {
  if (net.isIPv4(address)) {
    const [a = 0, b = 0] = address.split(".").map(Number);
    return !(
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b <= 127) ||
      a >= 224
    );
  }
  const v6 = address.toLowerCase();
  if (v6.startsWith("::ffff:")) return isPublicAddress(v6.slice(7));
  return !(v6 === "::" || v6 === "::1" || v6.startsWith("fc") || v6.startsWith("fd") || v6.startsWith("fe80") || v6.startsWith("ff"));
}

export interface NetworkProxyOptions {
  /** Tests only: lets the proxy reach a loopback server standing in for a registry. */
  allowPrivateAddresses?: boolean;
}

export async function startNetworkProxy(allowlist: readonly string[], options: NetworkProxyOptions = {}): Promise<NetworkProxy> {
  const hostDir = await mkdtemp(path.join(os.tmpdir(), "issue-agent-net-"));
  const socketPath = path.join(hostDir, "proxy.sock");
  await writeFile(path.join(hostDir, "forwarder.cjs"), FORWARDER, { mode: 0o644 });
  const refused: string[] = [];
  const sockets = new Set<net.Socket>();

  const server = net.createServer((client) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => client.destroy());
    let head = "";
    const onData = (chunk: Buffer) => {
      head += chunk.toString("latin1");
      if (head.length > 8192) return client.end("HTTP/1.1 431 Request Header Fields Too Large\r\n\r\n");
      const end = head.indexOf("\r\n\r\n");
      if (end === -1) return;
      client.off("data", onData);
      const rest = Buffer.from(head.slice(end + 4), "latin1");
      const match = /^CONNECT ([^\s:]+|\[[0-9a-f:]+\]):(\d+) HTTP\/1\.[01]\r\n/i.exec(head);
      if (!match) return client.end("HTTP/1.1 405 Method Not Allowed\r\n\r\nissue-agent sandbox: only HTTPS through CONNECT is allowed\n");
      const host = (match[1] ?? "").replace(/^\[|\]$/g, "");
      const port = Number(match[2]);
      if (!isHostAllowed(allowlist, host, port)) {
        refused.push(`${host}:${port}`);
        return client.end("HTTP/1.1 403 Forbidden\r\n\r\nissue-agent sandbox: host not in the network allowlist\n");
      }
      void connectUpstream(host, port, options.allowPrivateAddresses === true).then(
        (upstream) => {
          sockets.add(upstream);
          upstream.on("close", () => sockets.delete(upstream));
          client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
          if (rest.length > 0) upstream.write(rest);
          client.pipe(upstream).on("error", () => client.destroy());
          upstream.pipe(client);
          upstream.on("error", () => client.destroy());
        },
        () => {
          refused.push(`${host}:${port}`);
          client.end("HTTP/1.1 502 Bad Gateway\r\n\r\n");
        },
      );
    };
    client.on("data", onData);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => resolve());
  });

  const proxyUrl = `http://127.0.0.1:${PROXY_PORT}`;
  return {
    socketPath,
    binds: [
      [hostDir, SANDBOX_DIR],
      [await realpath(process.execPath), SANDBOX_NODE],
    ],
    refused,
    env: { HTTPS_PROXY: proxyUrl, https_proxy: proxyUrl, HTTP_PROXY: proxyUrl, http_proxy: proxyUrl, ALL_PROXY: proxyUrl, NO_PROXY: "", no_proxy: "" },
    wrap: (command) => [
      "/bin/bash",
      "-c",
      `exec 3< <(exec ${SANDBOX_NODE} ${SANDBOX_DIR}/forwarder.cjs); read -r _ <&3 || { echo "issue-agent: network proxy forwarder did not start" >&2; exit 125; }; exec 3<&-; exec "$@"`,
      "issue-agent-net",
      ...command,
    ],
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(hostDir, { recursive: true, force: true });
    },
  };
}

async function connectUpstream(host: string, port: number, allowPrivate: boolean): Promise<net.Socket> {
  const { address } = await lookup(host);
  if (!allowPrivate && !isPublicAddress(address)) throw new Error(`refusing non-public address ${address}`);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: address, port }, () => resolve(socket));
    socket.once("error", reject);
    socket.setTimeout(30_000, () => socket.destroy());
  });
}
