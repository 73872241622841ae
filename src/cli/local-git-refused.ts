import { WorkspaceError } from "../workspace/errors.js";

/** A checkout or a --commit the CLI will not handle, with a message that says what to do instead. */
export class LocalGitRefused extends WorkspaceError {
  constructor(message: string) {
    super("workspace/commit-refused", message, { userMessage: message });
    this.name = "LocalGitRefused";
  }
}
