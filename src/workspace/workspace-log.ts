/**
 * The slice of a pino logger the workspace uses: a static message plus a metadata object. Taking
 * the interface rather than pino itself lets tests capture lines and prove no token is logged.
 */
export interface WorkspaceLog {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export const silentLog: WorkspaceLog = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
};
