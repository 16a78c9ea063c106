// Loads a platform bundle's third-party code (platform/dist/vendor/vendor-<hash>.cjs, built by
// platform/scripts/build.mjs, decision 0063) and answers the bundle's requires of it. Every bundle begins with
// `require(<this file>).install(<its vendor file>)`; its third-party imports are `require("sluice-vendor:<absolute path
// of the package's file>")`, which this resolves to the vendor's copy of that file.
//
// Why: a start used to spend ~1 s of CPU resolving, reading and compiling ~2,000 files of NestJS, Apollo, GraphQL and
// the AWS SDK from node_modules. The vendor file is one script, compiled with V8's code cache (`.v8cache` beside it,
// written once by the first process that ran without it), so later starts skip both the lookups and the compilation.
// Plain CommonJS, not bundled: it must load before anything else.
'use strict';
const { readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname } = require('node:path');
const vm = require('node:vm');

const PREFIX = 'sluice-vendor:';
/** The absolute path of a package's file → the function that returns its exports, over every vendor installed. */
const registry = new Map();
const installed = new Set();
/** After this long the vendor's code cache holds what a start compiled (the lazily compiled functions included). */
const CACHE_AFTER_MS = 3000;

function hookRequire() {
  const load = Module._load;
  Module._load = function loadVendored(request, parent, isMain) {
    if (typeof request === 'string' && request.startsWith(PREFIX)) {
      const path = request.slice(PREFIX.length);
      const exports = registry.get(path);
      // A file no vendor holds (the bundle is newer than every vendor installed): from node_modules, as before.
      return exports ? exports() : load.call(this, path, parent, isMain);
    }
    return load.call(this, request, parent, isMain);
  };
}

/** Writes the vendor's code cache aside and renames it: a reader never sees half of one. Best effort. */
function writeCache(script, cacheFile) {
  const aside = `${cacheFile}.${process.pid}.tmp`;
  try {
    writeFileSync(aside, script.createCachedData());
    renameSync(aside, cacheFile);
  } catch {
    // A read-only install or a full disk: the next start compiles again, nothing else changes.
    rmSync(aside, { force: true });
  }
}

/** Runs `vendorFile` (once per process) and registers the files it holds. */
function install(vendorFile) {
  if (installed.has(vendorFile)) return;
  if (installed.size === 0) hookRequire();
  installed.add(vendorFile);
  const cacheFile = `${vendorFile}.v8cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(readFileSync(vendorFile, 'utf8')), {
    filename: vendorFile,
    cachedData,
    // No importModuleDynamically: the builder made every import() of the vendor a require().
  });
  const vendor = new Module(vendorFile, module);
  vendor.filename = vendorFile;
  vendor.paths = Module._nodeModulePaths(dirname(vendorFile));
  script.runInThisContext().call(vendor.exports, vendor.exports, Module.createRequire(vendorFile), vendor, vendorFile, dirname(vendorFile));
  vendor.loaded = true;
  for (const [path, exports] of Object.entries(vendor.exports)) if (!registry.has(path)) registry.set(path, exports);
  if (cachedData && !script.cachedDataRejected) return;
  // No cache yet, or one V8 refused (another Node.js, other flags): made once this process has started.
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    writeCache(script, cacheFile);
  };
  setTimeout(write, CACHE_AFTER_MS).unref();
  process.once('exit', write);
}

module.exports = { install, PREFIX };
