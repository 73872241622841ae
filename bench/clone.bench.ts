/**
 * Clone + checkout of a generated 5,000-file / ~50 MB repository through the test git server:
 * isomorphic-git (our cloneRepo) versus native `git clone --depth 1`, same server, same run.
 * Then a breakdown of where isomorphic-git spends its time: download, pack indexing, checkout.
 *
 *   npm run bench -- clone          (BENCH_FILES / BENCH_FILE_KB to resize)
 */
import { randomBytes } from "node:crypto";
import fs, { rmSync } from "node:fs";
import git from "isomorphic-git";
import nodeHttp from "isomorphic-git/http/node";
import type { GitHttpRequest } from "isomorphic-git";
import { cloneRepo } from "../src/workspace/index.js";
import { gitAsync, makeTempDir, type FixtureFiles } from "../test/helpers/git-fixtures.js";
import { startGitServer } from "../test/helpers/git-server.js";

const TOKEN = "ghs_benchToken000000000000000000000000000";
const FILES = Number(process.env.BENCH_FILES ?? 5000);
const FILE_KB = Number(process.env.BENCH_FILE_KB ?? 10);
const RUNS = 2;

function generateFiles(): FixtureFiles {
  const files: FixtureFiles = {};
  for (let i = 0; i < FILES; i++) {
    // Printable, line-oriented, little redundancy: compresses about like real source plus assets.
    const text = randomBytes(Math.ceil((FILE_KB * 1024 * 3) / 4))
      .toString("base64")
      .replace(/(.{76})/g, "$1\n");
    files[`dir${i % 50}/sub${i % 7}/file${i}.txt`] = text;
  }
  return files;
}

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const value = await fn();
  return [performance.now() - start, value];
}

const fmt = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const server = await startGitServer({ token: TOKEN });
  const header = `http.extraHeader=Authorization: Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString("base64")}`;
  try {
    const [genMs, url] = await time(() => server.createBareRepo("bench", generateFiles()));
    // Packed like any real server's repository, so the timing is the client's work, not the
    // server compressing 5,000 loose objects on every request.
    server.git("bench", ["repack", "-a", "-d", "-q"]);
    const sizeKb = server.git("bench", ["count-objects", "-vH"]);
    console.log(`generated ${FILES} files x ${FILE_KB} KB in ${fmt(genMs)}; bare repo: ${sizeKb.replace(/\n/g, "; ")}`);

    const native: number[] = [];
    const iso: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const a = makeTempDir("ia-bench-native-");
      const [nativeMs] = await time(() => gitAsync(a, ["-c", header, "clone", "-q", "--depth", "1", url, "."]));
      native.push(nativeMs);
      rmSync(a, { recursive: true, force: true });

      const b = makeTempDir("ia-bench-iso-");
      const [isoMs, result] = await time(() => cloneRepo({ dir: b, url, token: TOKEN, depth: 1 }));
      iso.push(isoMs);
      if (run === 0) console.log(`pack received: ${(result.receivedBytes / 1024 / 1024).toFixed(1)} MB`);
      rmSync(b, { recursive: true, force: true });
    }
    const bestNative = Math.min(...native);
    const bestIso = Math.min(...iso);
    console.log(`native git clone --depth 1 : ${native.map(fmt).join(", ")} (best ${fmt(bestNative)})`);
    console.log(`isomorphic-git cloneRepo    : ${iso.map(fmt).join(", ")} (best ${fmt(bestIso)})`);
    console.log(`ratio isomorphic/native     : ${(bestIso / bestNative).toFixed(2)}x (goal <= 2x)`);

    // Breakdown: the same steps cloneRepo takes, without its wrappers, timed one by one.
    const phases: Phases[] = [];
    for (let run = 0; run < RUNS; run++) {
      const c = makeTempDir("ia-bench-phases-");
      phases.push(await rawClone(c, url));
      rmSync(c, { recursive: true, force: true });
    }
    const best = phases.reduce((a, b) => (a.total <= b.total ? a : b));
    console.log(
      `raw isomorphic-git steps    : ${phases.map((p) => fmt(p.total)).join(", ")} (best ${fmt(best.total)}; cloneRepo overhead ${fmt(bestIso - best.total)})`,
    );
    console.log(`  negotiate + download pack : ${fmt(best.download)}`);
    console.log(`  index pack + write .idx   : ${fmt(best.index)}`);
    console.log(`  checkout (${FILES} files)    : ${fmt(best.checkout)}`);
  } finally {
    await server.close();
  }
}

interface Phases {
  download: number;
  index: number;
  checkout: number;
  total: number;
}

async function rawClone(dir: string, url: string): Promise<Phases> {
  let downloadDone = 0;
  const http = {
    async request(req: GitHttpRequest) {
      const res = await nodeHttp.request(req);
      const body = res.body;
      if (!body || req.method !== "POST") return res;
      async function* timed(): AsyncGenerator<Uint8Array> {
        for await (const chunk of body!) yield chunk;
        downloadDone = performance.now();
      }
      return { ...res, body: timed() };
    },
  };
  const cache = {};
  const start = performance.now();
  await git.init({ fs, dir, defaultBranch: "main" });
  await git.addRemote({ fs, dir, remote: "origin", url });
  const fetched = await git.fetch({
    fs,
    http,
    dir,
    cache,
    url,
    ref: "HEAD",
    singleBranch: true,
    depth: 1,
    tags: false,
    onAuth: () => ({ username: "x-access-token", password: TOKEN }),
  });
  const fetchEnd = performance.now();
  await git.writeRef({ fs, dir, ref: "refs/heads/main", value: fetched.fetchHead!, force: true });
  await git.checkout({ fs, dir, cache, ref: "main", force: true });
  const end = performance.now();
  return { download: downloadDone - start, index: fetchEnd - downloadDone, checkout: end - fetchEnd, total: end - start };
}

await main();
