/**
 * The Octokit type every module of github/ takes: Probot's, with retry, throttling and pagination.
 * Its own module so that client.ts (the factory, which builds repository ports) and the modules the
 * port delegates to do not import each other.
 */
import type { ProbotOctokit } from "probot";

export type GitHubClient = ProbotOctokit;
