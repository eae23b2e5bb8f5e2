// Loads the Yjs ES module the interop peer tests against.
//
// Normal case: tests/interop/node_modules (pinned by package.json / package-lock.json).
// Fallback for trials before that install exists: the node_modules directory named by the
// environment variable CRDTCORE_INTEROP_NODE_MODULES (e.g. a scratch `npm install --prefix`).
// ES modules ignore NODE_PATH, hence this explicit fallback.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

// Imports package `name` from node_modules directory `dir` through its "import" export.
const importFrom = async (dir, name) => {
  const pkgDir = join(dir, name)
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'))
  const root = pkg.exports && pkg.exports['.']
  const entry = (root && (root.import || root.module || root.default)) || pkg.module || pkg.main
  const mod = await import(pathToFileURL(join(pkgDir, entry)).href)
  return { mod, version: pkg.version }
}

// Returns { Y, version, source } for the Yjs build in use.
export const loadYjs = async () => {
  const override = process.env.CRDTCORE_INTEROP_NODE_MODULES
  if (override) {
    const { mod, version } = await importFrom(override, 'yjs')
    return { Y: mod, version, source: override }
  }
  const here = new URL('..', import.meta.url).pathname
  const { mod, version } = await importFrom(join(here, 'node_modules'), 'yjs')
  return { Y: mod, version, source: join(here, 'node_modules') }
}
