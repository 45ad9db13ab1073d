import type { ParseArgsConfig } from 'node:util';

/** Where a command writes; `json` is set by --json. */
export interface CliIo {
  json: boolean;
  /** A line for people (suppressed with --json unless it is the JSON itself). */
  out(line: string): void;
  /** Machine output: printed as one JSON line with --json, else pretty. */
  result(value: unknown): void;
  /** Progress for long work: a bar on a terminal, JSON lines with --json. */
  progress(fraction: number, message?: string): void;
  err(line: string): void;
}

/** Thrown for usage errors (exit code 2). */
export class UsageError extends Error {}

/**
 * One `pleura` subcommand. `options` is a node:util parseArgs config; `--help` and `--json` are added
 * for every command. Exit codes: 0 success, 1 bad input (PleuraError, one line on stderr), 2 usage.
 */
export interface CliCommand {
  name: string;
  summary: string;
  /** Help text after the usage line: arguments and options. */
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  allowPositionals: boolean;
  run(args: { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] }, io: CliIo): Promise<number | void>;
}

/**
 * A command with subcommands (`pleura project import ...`): each subcommand is a {@link CliCommand}
 * in its own file, listed in the group's `subcommands`, so one is added without touching the others.
 */
export interface CliGroup {
  name: string;
  summary: string;
  subcommands: CliCommand[];
}

/** True for a group of subcommands. */
export function isGroup(command: CliCommand | CliGroup): command is CliGroup {
  return 'subcommands' in command;
}
