// The layer rules and the ban on import cycles, checked on every `npm test` (npm run lint:deps).
// Paths are matched whole, so a rule holds however many `../` an import climbs.
/* global module */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'A cycle (type-only imports included) ties modules that should be read and changed one at a time.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'shared-is-pure',
      severity: 'error',
      comment:
        'src/shared runs in the extension host, the webviews and unit tests: no vscode, host, webview, Node built-ins or native runtime.',
      from: { path: '^src/shared/' },
      to: { path: ['^src/host/', '^src/webview/', '^vscode$', 'onnxruntime', '^test/'], dependencyTypesNot: [] },
    },
    {
      name: 'shared-no-node-builtins',
      severity: 'error',
      comment: 'src/shared is bundled into the webviews, which have no Node built-ins.',
      from: { path: '^src/shared/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'webview-is-browser-code',
      severity: 'error',
      comment: 'src/webview runs in the browser: no vscode, host code, Node built-ins or native runtime.',
      from: { path: '^src/webview/' },
      to: { path: ['^src/host/', '^vscode$', 'onnxruntime'] },
    },
    {
      name: 'webview-no-node-builtins',
      severity: 'error',
      from: { path: '^src/webview/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'host-does-not-load-webview-code',
      severity: 'error',
      comment: 'Webview code reaches the host only as a bundle loaded by the webview, never as an import.',
      from: { path: '^src/host/' },
      to: { path: '^src/webview/' },
    },
  ],
  options: {
    // type-only imports count: a cycle through types is still a cycle
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules|models|test-output|\\.vscode-test)/' },
    // `vscode` exists only at run time in the extension host: name it without resolving it
    externalModuleResolutionStrategy: 'node_modules',
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
