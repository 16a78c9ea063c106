import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { checkDependencies } from './check-dependencies';

// A small workspace written for each case: the rule must fail on each kind of breach, and pass on a clean tree.
function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'dependency-rules-'));
  const all: Record<string, string> = {
    'package.json': JSON.stringify({ workspaces: ['libs/*', 'services/*'] }),
    'libs/contracts/package.json': JSON.stringify({ name: '@sluice/contracts' }),
    'libs/contracts/src/index.ts': 'export const EXECUTION_STREAM_PREFIX = "execution-";\n',
    'libs/store/package.json': JSON.stringify({ name: '@sluice/store', exports: { '.': './src/index.ts', './browser': './src/browser.ts' } }),
    'libs/store/src/index.ts': 'export const store = 1;\n',
    'services/runs/package.json': JSON.stringify({ name: '@sluice/runs', dependencies: { '@sluice/contracts': '*', '@sluice/store': '*' } }),
    ...files,
  };
  for (const [path, text] of Object.entries(all)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('the dependency rule', () => {
  const roots: string[] = [];
  const check = (files: Record<string, string>) => {
    const root = workspace(files);
    roots.push(root);
    return checkDependencies(root).map(({ rule, file }) => `${rule} ${file}`);
  };
  afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

  it('passes a tree whose packages import one another by name or an exported entry, as declared', () => {
    expect(check({
      'services/runs/src/domain/decide.ts': "import { EXECUTION_STREAM_PREFIX } from '@sluice/contracts';\nimport { createHash } from 'node:crypto';\nimport type { Store } from '../application/store';\nimport { fold } from './fold';\n",
      'services/runs/src/application/handler.ts': "import { store } from '@sluice/store';\nimport { browser } from '@sluice/store/browser';\nimport { readFile } from 'node:fs/promises';\n",
    })).toEqual([]);
  });

  it('fails on a deep import into another package, in product and test code alike', () => {
    expect(check({
      'services/runs/src/application/handler.ts': "import { x } from '@sluice/store/src/internal';\n",
      'services/runs/src/application/handler.unit.spec.ts': "const later = () => import('@sluice/store/src/other');\n",
      'services/runs/src/testing/env.ts': "import { store } from '../../../../libs/store/src/index';\n",
      'scripts/rebuild.mjs': "import { store } from '@sluice/store/src/index';\nimport { browser } from '@sluice/store/browser';\n",
    })).toEqual(['deep-import services/runs/src/application/handler.ts', 'deep-import services/runs/src/application/handler.unit.spec.ts', 'deep-import services/runs/src/testing/env.ts', 'deep-import scripts/rebuild.mjs']);
  });

  it('fails on an undeclared workspace package, and lets tests use devDependencies only', () => {
    expect(check({
      'libs/store/src/uses-contracts.ts': "export { EXECUTION_STREAM_PREFIX } from '@sluice/contracts';\n",
      'services/runs/src/testing/helper.ts': "import { store } from '@sluice/store';\n",
    })).toEqual(['undeclared libs/store/src/uses-contracts.ts']);
  });

  it('fails on domain code that reaches I/O, a framework or another room of its service; a type-only import is allowed', () => {
    expect(check({
      'services/runs/src/domain/a.ts': "import { readFileSync } from 'node:fs';\n",
      'services/runs/src/domain/b.ts': "import { Injectable } from '@nestjs/common';\n",
      'services/runs/src/domain/c.ts': "import { handle } from '../application/handler';\n",
      'services/runs/src/domain/d.ts': "import type { Handler } from '../application/handler';\nimport { store } from '@sluice/store';\n",
    })).toEqual(['impure-domain services/runs/src/domain/a.ts', 'impure-domain services/runs/src/domain/b.ts', 'impure-domain services/runs/src/domain/c.ts', 'impure-domain services/runs/src/domain/d.ts']);
  });

  it('fails on packages that import one another in a cycle', () => {
    const found = check({
      'libs/contracts/package.json': JSON.stringify({ name: '@sluice/contracts', dependencies: { '@sluice/store': '*' } }),
      'libs/contracts/src/uses-store.ts': "import { store } from '@sluice/store';\n",
      'libs/store/package.json': JSON.stringify({ name: '@sluice/store', dependencies: { '@sluice/contracts': '*' } }),
      'libs/store/src/uses-contracts.ts': "import { EXECUTION_STREAM_PREFIX } from '@sluice/contracts';\n",
    });
    expect(found.filter((line) => line.startsWith('cycle'))).toHaveLength(1);
  });
});
