/**
 * The test git server (git http-backend) in its own process, so a benchmark measures only the
 * client's work in the benchmark process. Commands arrive over IPC:
 *   { op: "create", name, files: "generated", count, kb } | { op: "create-big", name, mb } | { op: "commit", name } | { op: "close" }
 * and each answers { ok: true, url? } or { ok: false, error }.
 */
import { randomBytes } from "node:crypto";
import { startGitServer } from "../../test/helpers/git-server.js";
import type { FixtureFiles } from "../../test/helpers/git-fixtures.js";

type Command =
  { op: "create"; name: string; count: number; kb: number } | { op: "create-big"; name: string; mb: number } | { op: "commit"; name: string } | { op: "close" };

const TOKEN = process.env.BENCH_TOKEN ?? "ghs_benchToken000000000000000000000000000";
const server = await startGitServer({ token: TOKEN });
let commits = 0;

function sourceLike(count: number, kb: number): FixtureFiles {
  const files: FixtureFiles = {};
  for (let i = 0; i < count; i++) {
    // Printable, line-oriented, little redundancy: compresses about like real source plus assets.
    files[`dir${i % 50}/sub${i % 7}/file${i}.txt`] = randomBytes(Math.ceil((kb * 1024 * 3) / 4))
      .toString("base64")
      .replace(/(.{76})/g, "$1\n");
  }
  return files;
}

process.on("message", (command: Command) => {
  void (async () => {
    try {
      if (command.op === "create") {
        const url = await server.createBareRepo(command.name, sourceLike(command.count, command.kb));
        server.git(command.name, ["repack", "-a", "-d", "-q"]);
        process.send?.({ ok: true, url });
      } else if (command.op === "create-big") {
        const files: FixtureFiles = {};
        for (let i = 0; i < Math.ceil(command.mb / 25); i++) files[`assets/blob${i}.bin`] = randomBytes(25 * 1024 * 1024);
        const url = await server.createBareRepo(command.name, files);
        server.git(command.name, ["repack", "-a", "-d", "-q"]);
        process.send?.({ ok: true, url });
      } else if (command.op === "commit") {
        commits += 1;
        await server.commit(command.name, { files: { [`upstream/change-${commits}.txt`]: `change ${commits}\n` }, message: `upstream ${commits}` });
        process.send?.({ ok: true });
      } else {
        await server.close();
        process.send?.({ ok: true });
        process.exit(0);
      }
    } catch (error) {
      process.send?.({ ok: false, error: String((error as Error).stack ?? error) });
    }
  })();
});
process.send?.({ ok: true, ready: true });
