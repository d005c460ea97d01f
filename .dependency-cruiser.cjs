// The import rules of docs/architecture.md ("Import rules"), checked by `npm test`:
//   pnpm exec depcruise --config .dependency-cruiser.cjs services packages scripts bench
// Type-only imports count (tsPreCompilationDeps). A workspace package resolves to its source file
// through its package.json "exports", so a rule on paths sees where an import really lands.

/** Where a service starts in production: nothing these reach may be test code. */
const PRODUCTION_ENTRIES = '^services/[^/]+/src/(server|regtest/cli|scripts/[^/]+)[.]ts$';
/** A service's one entry point for code outside it (package.json "exports": "./testing"). */
const SERVICE_ENTRY = '^services/[^/]+/src/testing[.]ts$';

module.exports = {
  forbidden: [
    {
      name: 'no-import-across-services',
      comment:
        "A service imports only its own files, @pupero/shared and npm packages (its tests also @pupero/test-stack): never another service's source or tests.",
      severity: 'error',
      from: { path: '^services/([^/]+)/' },
      to: { path: '^services/', pathNot: '^services/$1/' },
    },
    {
      name: 'no-test-stack-in-production',
      comment: 'Nothing a service runs in production (server.ts, the regtest launcher, its scripts) may reach @pupero/test-stack.',
      severity: 'error',
      from: { path: PRODUCTION_ENTRIES },
      to: { path: '^packages/test-stack/', reachable: true },
    },
    {
      name: 'shared-imports-no-service',
      comment: '@pupero/shared is below every service: it imports no service and not the test stack.',
      severity: 'error',
      from: { path: '^packages/shared/' },
      to: { path: '^(services|packages/test-stack)/' },
    },
    {
      name: 'services-only-through-their-entry-points',
      comment: 'Outside a service (the test stack, scripts, benchmarks) its code is reached only through @pupero/<service>/testing.',
      severity: 'error',
      from: { path: '^(packages|scripts|bench)/' },
      to: { path: '^services/', pathNot: SERVICE_ENTRY },
    },
    {
      name: 'no-relative-import-out-of-a-package',
      comment: 'A relative import stays inside its own package: another package is imported by its name (@pupero/...).',
      severity: 'error',
      from: { path: '^(services|packages)/([^/]+)/' },
      to: { dependencyTypes: ['local'], pathNot: '^$1/$2/' },
    },
    {
      name: 'scripts-import-packages-by-name',
      comment: 'Scripts and benchmarks import a workspace package by its name, never by a relative path into it.',
      severity: 'error',
      from: { path: '^(scripts|bench)/' },
      to: { dependencyTypes: ['local'], path: '^(services|packages)/' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Every import resolves: an import the checker cannot follow is one it cannot check.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)generated/' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      // tsx-style imports name the .ts file itself; these are for packages without an extension.
      extensions: ['.ts', '.mts', '.mjs', '.js', '.cjs', '.json', '.d.ts'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};
