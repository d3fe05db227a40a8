import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
let eslint: ESLint;

async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result!.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
}

beforeAll(() => {
  // The rule reads Nx's cached project graph and silently skips without one.
  execFileSync(process.execPath, [path.join(root, 'node_modules/nx/dist/bin/nx.js'), 'show', 'projects'], { cwd: root, env: { ...process.env, NX_DAEMON: 'false' }, stdio: 'ignore' });
  eslint = new ESLint({ cwd: root });
}, 120_000);

describe('module boundaries', () => {
  it('refuses an import from one app into another', async () => {
    expect(await boundaryErrors('apps/collector/src/x.ts', "import '@siem/app-api/src/build-api';\n")).not.toEqual([]);
  });

  it('refuses an import from a lib into an app', async () => {
    expect(await boundaryErrors('libs/bus/src/x.ts', "import '@siem/app-processor/src/event-id';\n")).not.toEqual([]);
  });

  it('refuses a relative path into another project', async () => {
    expect(await boundaryErrors('apps/collector/src/x.ts', "import '../../api/src/build-api';\n")).not.toEqual([]);
  });

  it('allows an app to import a lib', async () => {
    expect(await boundaryErrors('apps/collector/src/x.ts', "import '@siem/bus';\n")).toEqual([]);
  });
});
