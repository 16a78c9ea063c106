import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/**
 * The dependency rule of the workspace (docs/decisions/0033), checked from the source text alone:
 *
 * 1. **No deep import.** A package is imported by its name (`@sluice/domain`) or a public entry its package.json
 *    offers (`exports`, or a `src/testing` entry a library offers other packages' tests as `@sluice/x/testing`),
 *    never by a path into its `src/`.
 * 2. **Declared.** Every workspace package a package imports is in its package.json: `dependencies` for what its
 *    product code imports, `dependencies` or `devDependencies` for what only its tests import.
 * 3. **Pure domain.** A file in a `domain/` folder imports only other `domain/` code of its package, the published
 *    language (`@sluice/contracts`), the pure libraries (`@sluice/domain`, `@sluice/authz`, the parsers `yaml` and
 *    `re2js`) and `node:crypto`; a type-only import may name any type.
 * 4. **No cycle** between the workspace's packages.
 */
export interface DependencyViolation {
  rule: 'deep-import' | 'undeclared' | 'impure-domain' | 'cycle';
  file: string;
  message: string;
}

export interface WorkspacePackage {
  name: string;
  /** Folder, relative to the root. */
  dir: string;
  dependencies: ReadonlySet<string>;
  devDependencies: ReadonlySet<string>;
  /** Subpaths (without `./`) the package.json `exports` offers, besides the package itself. */
  exportedSubpaths: ReadonlySet<string>;
}

const SOURCE = /\.(ts|svelte)$/;
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', '.svelte-kit', 'coverage']);
const PURE_DOMAIN_PACKAGES = new Set(['@sluice/contracts', '@sluice/domain', '@sluice/authz']);
/** Third-party packages that are pure code (parsers, no I/O), which the shared domain library uses. */
const PURE_THIRD_PARTY = new Set(['yaml', 're2js']);
const PURE_NODE_MODULES = new Set(['node:crypto', 'crypto']);
const NODE_BUILTINS = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);

/** A test file, or a helper only tests use: its imports may use `devDependencies`. */
export function isTestCode(file: string): boolean {
  return /\.spec\.ts$/.test(file) || file.split(/[\\/]/).some((part) => part === 'testing' || part === 'fixtures' || part === 'e2e' || part === 'jest');
}

export function readWorkspace(root: string): WorkspacePackage[] {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] };
  const dirs = manifest.workspaces.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [pattern];
    const parent = pattern.slice(0, -2);
    return readdirSync(join(root, parent)).map((child) => `${parent}/${child}`);
  });
  return dirs
    .filter((dir) => {
      try {
        return statSync(join(root, dir, 'package.json')).isFile();
      } catch {
        return false;
      }
    })
    .map((dir) => {
      const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as { name: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string>; exports?: Record<string, unknown> | string };
      const exportedSubpaths = new Set(typeof pkg.exports === 'object' && pkg.exports ? Object.keys(pkg.exports).filter((key) => key !== '.').map((key) => key.replace(/^\.\//, '')) : []);
      return { name: pkg.name, dir, dependencies: new Set(Object.keys(pkg.dependencies ?? {})), devDependencies: new Set(Object.keys(pkg.devDependencies ?? {})), exportedSubpaths };
    });
}

/** The root's scripts (`scripts/*.mjs`, `*.ts`): tooling users run, outside every workspace package. */
function rootToolFiles(root: string): string[] {
  try {
    return readdirSync(join(root, 'scripts'))
      .filter((name) => /\.(mjs|ts)$/.test(name) && !name.endsWith('.spec.ts'))
      .map((name) => `scripts/${name}`);
  } catch {
    return [];
  }
}

function sourceFiles(root: string, dir: string, nestedPackageDirs: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const walk = (relativeDir: string) => {
    for (const entry of readdirSync(join(root, relativeDir), { withFileTypes: true })) {
      const path = `${relativeDir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name) && !entry.name.startsWith('.') && !nestedPackageDirs.has(path)) walk(path);
      } else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path);
    }
  };
  walk(dir);
  return out;
}

interface ImportOf {
  specifier: string;
  typeOnly: boolean;
}

/** The module specifiers a file imports or re-exports (static and dynamic), and whether each is type-only. */
export function importsOf(text: string, fileName: string): ImportOf[] {
  const code = fileName.endsWith('.svelte') ? [...text.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((match) => match[1]).join('\n') : text;
  const source = ts.createSourceFile(fileName.replace(/\.(svelte|mjs)$/, '.ts'), code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: ImportOf[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && !!clause.namedBindings && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((element) => element.isTypeOnly)));
      found.push({ specifier: node.moduleSpecifier.text, typeOnly });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly = node.isTypeOnly || (!!node.exportClause && ts.isNamedExports(node.exportClause) && node.exportClause.elements.length > 0 && node.exportClause.elements.every((element) => element.isTypeOnly));
      found.push({ specifier: node.moduleSpecifier.text, typeOnly });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      found.push({ specifier: node.arguments[0].text, typeOnly: false });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push({ specifier: node.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const packageNameOf = (specifier: string): string => (specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!);

/** The folder of a file's `domain/` room (the path up to and including `domain`), if it is in one. */
function domainRoomOf(file: string): string | undefined {
  const parts = file.split('/');
  const at = parts.lastIndexOf('domain');
  return at >= 0 && at < parts.length - 1 ? parts.slice(0, at + 1).join('/') : undefined;
}

function findCycles(packages: readonly WorkspacePackage[], edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string) => {
    state.set(name, 'visiting');
    stack.push(name);
    for (const next of edges.get(name) ?? []) {
      if (state.get(next) === 'visiting') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const pkg of packages) if (!state.has(pkg.name)) visit(pkg.name);
  return cycles;
}

export function checkDependencies(root: string): DependencyViolation[] {
  const packages = readWorkspace(root);
  const byName = new Map(packages.map((pkg) => [pkg.name, pkg]));
  const violations: DependencyViolation[] = [];
  const productEdges = new Map<string, Set<string>>();
  for (const pkg of packages) {
    const nested = new Set(packages.filter((other) => other !== pkg && other.dir.startsWith(`${pkg.dir}/`)).map((other) => other.dir));
    const edges = new Set<string>();
    productEdges.set(pkg.name, edges);
    for (const file of sourceFiles(root, pkg.dir, nested)) {
      const testCode = isTestCode(file);
      const domainRoom = testCode ? undefined : domainRoomOf(file);
      for (const { specifier, typeOnly } of importsOf(readFileSync(join(root, file), 'utf8'), file)) {
        if (specifier.startsWith('.')) {
          const target = relative(root, resolve(root, dirname(file), specifier)).split(sep).join('/');
          if (!target.startsWith(`${pkg.dir}/`) || [...nested].some((dir) => target.startsWith(`${dir}/`))) {
            violations.push({ rule: 'deep-import', file, message: `${file} imports ${specifier}, a path out of its package ${pkg.name}: import the other package by its name` });
          } else if (domainRoom && !typeOnly && target !== domainRoom && !target.startsWith(`${domainRoom}/`)) {
            violations.push({ rule: 'impure-domain', file, message: `${file} is domain code and imports ${specifier}, outside its domain/ folder` });
          }
          continue;
        }
        const name = packageNameOf(specifier);
        const target = byName.get(name);
        if (domainRoom && !typeOnly && !PURE_DOMAIN_PACKAGES.has(name) && !PURE_THIRD_PARTY.has(name) && !(NODE_BUILTINS.has(specifier) && PURE_NODE_MODULES.has(specifier))) {
          violations.push({ rule: 'impure-domain', file, message: `${file} is domain code and imports ${specifier}: domain/ may import only its own domain, @sluice/contracts, @sluice/domain, @sluice/authz, pure parsers and node:crypto` });
        }
        if (!target || target === pkg) continue;
        const subpath = specifier.slice(name.length + 1);
        if (subpath && !target.exportedSubpaths.has(subpath) && !(subpath === 'testing' && testCode)) {
          violations.push({ rule: 'deep-import', file, message: `${file} imports ${specifier}: import ${name} by its name (or an entry its package.json exports), not a path into it` });
        }
        const declared = target && (pkg.dependencies.has(name) || (testCode && pkg.devDependencies.has(name)));
        if (!declared) {
          violations.push({ rule: 'undeclared', file, message: `${file} imports ${name}, which ${pkg.dir}/package.json does not declare in ${testCode ? 'dependencies or devDependencies' : 'dependencies'}` });
        }
        if (!testCode && !typeOnly) edges.add(name);
      }
    }
  }
  // The root's own tooling (`npm run rebuild-projections`, `npm start`, …) runs as users run it: a path into a
  // package's src/ would break the moment the package's `exports` closed it.
  for (const file of rootToolFiles(root)) {
    for (const { specifier } of importsOf(readFileSync(join(root, file), 'utf8'), file)) {
      const target = byName.get(packageNameOf(specifier));
      const subpath = target ? specifier.slice(target.name.length + 1) : '';
      if (target && subpath && !target.exportedSubpaths.has(subpath)) {
        violations.push({ rule: 'deep-import', file, message: `${file} imports ${specifier}: import ${target.name} by its name (or an entry its package.json exports), not a path into it` });
      }
    }
  }
  for (const cycle of findCycles(packages, productEdges)) {
    violations.push({ rule: 'cycle', file: byName.get(cycle[0]!)!.dir, message: `the packages import one another in a cycle: ${cycle.join(' → ')}` });
  }
  return violations;
}
