import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/paths';

// The layering rules of DESIGN.md are lint rules, so a wrong import fails `npm test`. These cases
// lint code as if it stood in each layer and check the rule fires (or stays quiet where allowed).
const cases: { file: string; code: string; forbidden: boolean }[] = [
  { file: 'src-shared/mask/bad.ts', code: "import { app } from 'electron';\nexport const a = app;\n", forbidden: true },
  { file: 'src-shared/mask/bad.ts', code: "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n", forbidden: true },
  { file: 'src-shared/mask/bad.ts', code: "import { readFileSync } from 'fs';\nexport const r = readFileSync;\n", forbidden: true },
  { file: 'src-shared/mask/bad.ts', code: "import { dispatch } from '../../src-main/transport/dispatch';\nexport const d = dispatch;\n", forbidden: true },
  { file: 'src-renderer/src/bad.ts', code: "import { dispatch } from '../../src-main/transport/dispatch';\nexport const d = dispatch;\n", forbidden: true },
  { file: 'src-renderer/src/bad.ts', code: "import { ipcRenderer } from 'electron';\nexport const i = ipcRenderer;\n", forbidden: true },
  { file: 'src-main/services/bad.ts', code: "import { app } from 'electron';\nexport const a = app;\n", forbidden: true },
  { file: 'src-main/workers/bad.ts', code: "import { app } from 'electron';\nexport const a = app;\n", forbidden: true },
  { file: 'src-main/services/bad.ts', code: "import { apiKey } from '../../src-renderer/src/api/client';\nexport const k = apiKey;\n", forbidden: true },
  { file: 'src-main/app/ok.ts', code: "import { app } from 'electron';\nexport const a = app;\n", forbidden: false },
  { file: 'src-main/services/ok.ts', code: "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n", forbidden: false },
  { file: 'src-renderer/src/ok.ts', code: "import { ok } from '../../src-shared/api/result';\nexport const o = ok;\n", forbidden: false },
];

describe('layering lint rules', () => {
  const eslint = new ESLint({ cwd: repoRoot });
  it.each(cases)('$file: $code', async ({ file, code, forbidden }) => {
    const [result] = await eslint.lintText(code, { filePath: join(repoRoot, file) });
    const layering = result.messages.filter((m) => m.ruleId === 'no-restricted-imports');
    expect(layering.length > 0).toBe(forbidden);
  });
});
