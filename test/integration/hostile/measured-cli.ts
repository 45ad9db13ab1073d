// Runs `pleura` commands one after another in this process, for the hostile-input suite's memory
// budget: argv is a JSON list of argument lists; for each command one JSON line on stdout gives its
// exit code, what it wrote to stderr, and the process's peak resident memory so far (maxRSS, which
// only grows: each command's own peak is at most its value).
import { runCli } from '../../../src-main/cli/main';

const commands = JSON.parse(process.argv[2] ?? '[]') as string[][];
const realStdout = process.stdout.write.bind(process.stdout);
const realStderr = process.stderr.write.bind(process.stderr);
for (const args of commands) {
  let stderr = '';
  process.stdout.write = (() => true) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  let code: number;
  try {
    code = await runCli(args);
  } finally {
    process.stdout.write = realStdout;
    process.stderr.write = realStderr;
  }
  realStdout(`${JSON.stringify({ args, code, stderr, peakBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
}
