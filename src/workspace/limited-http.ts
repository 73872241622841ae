/**
 * isomorphic-git's node http client, wrapped to enforce a byte cap on everything the server sends
 * (the pack arrives in one response body) and to honour an AbortSignal while a body is streaming.
 * The cap is checked per chunk, so a huge repository fails fast instead of filling memory and disk.
 */
import type { GitHttpRequest, GitHttpResponse, HttpClient } from "isomorphic-git";
import nodeHttp from "isomorphic-git/http/node";
import { CancelledError } from "../shared/errors.js";
import { WorkspaceError } from "./errors.js";

export interface LimitedHttp extends HttpClient {
  /** Bytes received so far, across all requests. */
  readonly receivedBytes: () => number;
}

export function limitedHttp(options: { maxBytes?: number | undefined; signal?: AbortSignal | undefined }): LimitedHttp {
  const { maxBytes = Number.POSITIVE_INFINITY, signal } = options;
  let received = 0;

  const tooLarge = (): WorkspaceError => {
    const mb = Math.round(maxBytes / (1024 * 1024));
    return new WorkspaceError("workspace/too-large", `The repository exceeds the size cap of ${mb} MB; the clone was stopped after ${received} bytes.`, {
      userMessage: `The repository is larger than this app's limit of ${mb} MB, so it was not cloned. The operator can raise AGENT_MAX_REPO_MB.`,
    });
  };

  async function request(req: GitHttpRequest): Promise<GitHttpResponse> {
    if (signal?.aborted) throw new CancelledError();
    const res = await nodeHttp.request({ ...req, signal });
    const body = res.body;
    if (!body) return res;
    const iterator = body[Symbol.asyncIterator]();
    const counted: AsyncIterableIterator<Uint8Array> = {
      async next() {
        if (signal?.aborted) {
          await iterator.return?.();
          throw new CancelledError();
        }
        const item = await iterator.next();
        if (!item.done && item.value) {
          received += item.value.byteLength;
          if (received > maxBytes) {
            await iterator.return?.(); // destroys the socket: stop downloading now
            throw tooLarge();
          }
        }
        return item;
      },
      async return() {
        await iterator.return?.();
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    return { ...res, body: counted };
  }

  return { request, receivedBytes: () => received };
}
