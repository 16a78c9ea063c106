import type { createRequire as CreateRequire } from 'node:module';
import { runInThisContext } from 'node:vm';

type PGliteModule = typeof import('@electric-sql/pglite');

/**
 * PGlite loads its wasm and Node built-ins with dynamic import(), which code evaluated inside a VM
 * sandbox such as Jest's cannot do (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING_FLAG), and Jest also
 * intercepts require('node:module'). So PGlite is required through Node's own loader, taken from
 * the main context; under plain Node this is an ordinary require.
 */
export function loadPGlite(): PGliteModule['PGlite'] {
  const createRequire = runInThisContext("process.getBuiltinModule('node:module').createRequire") as typeof CreateRequire;
  return (createRequire(__filename)('@electric-sql/pglite') as PGliteModule).PGlite;
}
