import { parseArgs } from 'node:util';
import { PleuraError } from '../../src-shared/api/result';
import { UsageError, isGroup, type CliCommand, type CliGroup, type CliIo } from './command';
import { commands } from './registry';

function makeIo(json: boolean): CliIo {
  const tty = process.stderr.isTTY;
  return {
    json,
    out: (line) => {
      if (!json) process.stdout.write(`${line}\n`);
    },
    result: (value) => process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${JSON.stringify(value, null, 2)}\n`),
    progress: (fraction, message) => {
      if (json) {
        process.stdout.write(`${JSON.stringify({ type: 'progress', fraction, message })}\n`);
      } else if (tty) {
        const width = 30;
        const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
        process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${message ?? ''}`.padEnd(80));
        if (fraction >= 1) process.stderr.write('\n');
      }
    },
    err: (line) => process.stderr.write(`${line}\n`),
  };
}

function topHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: pleura <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Every command takes --help and --json. Exit codes: 0 success, 1 bad input, 2 usage error.',
  ].join('\n');
}

function groupHelp(group: CliGroup): string {
  const width = Math.max(...group.subcommands.map((c) => c.name.length));
  return [`${group.summary}`, '', `Usage: pleura ${group.name} <subcommand> [options]`, '', 'Subcommands:', ...group.subcommands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`)].join('\n');
}

function commandHelp(command: CliCommand): string {
  return `${command.summary}\n\nUsage: ${command.usage}\n`;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${topHelp()}\n`);
    return name ? 0 : 2;
  }
  if (name === '--version') return runCli(['version']);
  const found = commands.find((c) => c.name === name);
  if (!found) {
    process.stderr.write(`pleura: unknown command '${name}'. Run 'pleura --help' for the list.\n`);
    return 2;
  }
  if (isGroup(found)) {
    const [sub, ...subRest] = rest;
    if (!sub || sub === '--help' || sub === '-h') {
      process.stdout.write(`${groupHelp(found)}\n`);
      return sub ? 0 : 2;
    }
    const subcommand = found.subcommands.find((c) => c.name === sub);
    if (!subcommand) {
      process.stderr.write(`pleura ${name}: unknown subcommand '${sub}'. Run 'pleura ${name} --help' for the list.\n`);
      return 2;
    }
    return runCommand(`${name} ${sub}`, subcommand, subRest);
  }
  return runCommand(name, found, rest);
}

async function runCommand(name: string, command: CliCommand, rest: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...command.options, help: { type: 'boolean', short: 'h' }, json: { type: 'boolean' } },
      allowPositionals: command.allowPositionals,
      strict: true,
    });
  } catch (error) {
    process.stderr.write(`pleura ${name}: ${(error as Error).message}\nUsage: ${command.usage}\n`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(commandHelp(command));
    return 0;
  }
  const io = makeIo(Boolean(parsed.values.json));
  try {
    const code = await command.run({ values: parsed.values, positionals: parsed.positionals }, io);
    return code ?? 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`pleura ${name}: ${error.message}\nUsage: ${command.usage}`);
      return 2;
    }
    if (error instanceof PleuraError) {
      io.err(`pleura ${name}: ${error.message}`);
      return 1;
    }
    io.err(`pleura ${name}: internal error: ${(error as Error)?.stack ?? String(error)}`);
    return 1;
  }
}

if (process.argv[1] && /cli[\\/]main\.[cm]?[jt]s$|cli\.[cm]?js$/.test(process.argv[1])) {
  runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
