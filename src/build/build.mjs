/**
 * `npm run build`: dist/ as one esbuild bundle (issue 8, "Speed" and "Packaging").
 *
 * Why a bundle: most of awsfed's start-up was Node resolving and loading hundreds of small ESM/CJS files
 * (the SDK, cheerio, commander). One file per entry plus code-split chunks costs a few reads instead.
 * Splitting keeps each heavy path (the sign-in with axios/cheerio/SDK, the prompts, the emulators of
 * `demo`, the XML signature libraries) in chunks that only the dynamic import() of the command that
 * needs it loads, so `--help`, `list` and `switch` never parse them.
 *
 * Because every package is bundled, the published package installs nothing but the optional native
 * keychain module (@napi-rs/keyring, external: it cannot be bundled); the bundled packages' licenses travel in
 * dist/THIRD-PARTY-NOTICES.txt, written here from esbuild's metafile (what really went into the bundle).
 *
 * Plain .mjs run by node: it must work before anything is compiled.
 */
import { build } from 'esbuild';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dist = join(root, 'dist');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

rmSync(dist, { recursive: true, force: true });

const result = await build({
  absWorkingDir: root,
  // main.js is the CLI behind bin.cjs (built below); the others are the repository's own scripts (npm run
  // bench / npm run docs), the bench's worker thread, which its entry loads by a URL relative to itself,
  // and the file store for the tests that edit one file from many processes (test/helpers/file-store-child.mjs).
  // bench/ and docs/ are left out of the package (package.json "files"); dist/credentials/file-store.js
  // stays in, because the chunks import the code it shares with them from there.
  entryPoints: ['src/main.ts', 'src/bench/run.ts', 'src/bench/sts-worker.ts', 'src/docs/write-readme.ts', 'src/credentials/file-store.ts'],
  outbase: 'src',
  outdir: 'dist',
  entryNames: '[dir]/[name]',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  // ESM builds first where a package offers one (the AWS SDK's dist-es): esbuild turns a dynamic import()
  // of a CommonJS module into a namespace with only `default`, so `(await import('@aws-sdk/client-sts')).STSClient`
  // would be undefined; ES modules also tree-shake.
  mainFields: ['module', 'main'],
  target: 'node20',
  // The version is inlined: reading ../package.json relative to import.meta.url breaks once code moves
  // into a bundle (and would cost a file read on every --version).
  define: { AWSFED_VERSION: JSON.stringify(pkg.version) },
  // Bundled CommonJS packages (node-forge, xml-crypto, parts of the SDK) call require() for Node's
  // built-ins; an ESM bundle has no require, so give each output file one.
  banner: { js: "import { createRequire as __awsfedCreateRequire } from 'node:module'; const require = __awsfedCreateRequire(import.meta.url);" },
  // Node's own modules stay imports; every npm package is bundled but two native modules (a .node binary
  // each) that optional dependencies install: the keychain's, which os-keychain.ts imports lazily, and
  // Kerberos (GSSAPI / SSPI), which idp/adfs/negotiate.ts imports only when AD FS offers Negotiate.
  packages: 'bundle',
  external: ['@napi-rs/keyring', 'kerberos'],
  legalComments: 'none',
  // Less to read and compile at start-up; keepNames keeps class and function names (error names, --debug
  // stacks) as written.
  minify: true,
  keepNames: true,
  metafile: true,
  logLevel: 'warning',
  plugins: [oneToughCookie(), oneEntities(), noMultipartForms(), axiosWithoutFetch(), unusedPaths(), silentDebug()],
});

/**
 * dist/bin.cjs, the published entry: ONE self-contained CommonJS file, not split, holding the fast paths
 * (--version and a credential_process cache hit, src/fast-paths.ts) and nothing else; every other call
 * goes on to `import('./main.js')`, the split build above. An AWS tool starts the helper on every process
 * start, so what a cache hit loads is what it costs: one file instead of bin.js plus 17 chunks (each ES
 * module costs its resolution and instantiation), and CommonJS because Node runs a .cjs main without its
 * ES module loader (about 4 ms less than the same file as .js/.mjs; .cjs because package.json says
 * "type": "module"). It bundles its own copy of the few modules the fast paths use; no object crosses
 * from it into main.js, so the two copies never meet (no instanceof between them).
 */
const binResult = await build({
  absWorkingDir: root,
  entryPoints: ['src/bin.ts'],
  outfile: join(dist, 'bin.cjs'),
  bundle: true,
  splitting: false,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  define: { AWSFED_VERSION: JSON.stringify(pkg.version) },
  // The full CLI stays out: a real dynamic import, resolved next to bin.cjs at run time.
  external: ['./main.js'],
  // No package belongs in the fast file: test/startup-modules.e2e.test.ts reads this output's inputs in
  // meta.json and fails on any from node_modules.
  legalComments: 'none',
  minify: true,
  keepNames: true,
  metafile: true,
  logLevel: 'warning',
});

// dist/bench/package-floor.js (src/bench/package-floor.ts): the bench's floor row, one unsplit file with
// the same trims as the CLI; bench/ is not in the package, and its packages are not in the notices.
await build({
  absWorkingDir: root,
  entryPoints: ['src/bench/package-floor.ts'],
  outfile: join(dist, 'bench', 'package-floor.js'),
  bundle: true,
  splitting: false,
  format: 'esm',
  platform: 'node',
  mainFields: ['module', 'main'],
  target: 'node20',
  banner: { js: "import { createRequire as __awsfedCreateRequire } from 'node:module'; const require = __awsfedCreateRequire(import.meta.url);" },
  legalComments: 'none',
  minify: true,
  keepNames: true,
  logLevel: 'warning',
  plugins: [oneToughCookie(), noMultipartForms(), axiosWithoutFetch(), unusedPaths()],
});

const metafile = {
  inputs: { ...result.metafile.inputs, ...binResult.metafile.inputs },
  outputs: { ...result.metafile.outputs, ...binResult.metafile.outputs },
};
writeFileSync(join(dist, 'meta.json'), JSON.stringify(metafile));
writeFileSync(join(dist, 'THIRD-PARTY-NOTICES.txt'), notices(metafile));

/**
 * tough-cookie ships an ES module and a CommonJS copy; our code imports the first and http-cookie-agent
 * (CommonJS) requires the second, so the bundle held both (40 kB twice, and two CookieJar classes for one
 * jar). Every import and require gets the ES module.
 */
function oneToughCookie() {
  return {
    name: 'one-tough-cookie',
    setup(b) {
      b.onResolve({ filter: /^tough-cookie$/ }, () => ({ path: join(root, 'node_modules', 'tough-cookie', 'dist', 'index.js') }));
    },
  };
}

/**
 * cheerio's HTML parser (htmlparser2) brings `entities` 7 and its serializer (dom-serializer) `entities` 4,
 * so the bundle held two copies, each with its decode table (a string of some 40 kB turned into a
 * Uint16Array when the module loads) and v4 also its encode table (a Map of 2000 entries built at load):
 * compile time, start-up work and garbage on every sign-in, for a serializer that needs three escaping
 * functions. dom-serializer gets those from entities 7's escape module, which has no tables; the decode
 * table left is the one the parser uses.
 */
function oneEntities() {
  const escape = join(root, 'node_modules', 'htmlparser2', 'node_modules', 'entities', 'dist', 'esm', 'escape.js');
  return {
    name: 'one-entities',
    setup(b) {
      b.onResolve({ filter: /^entities$/ }, (args) => {
        if (!args.importer.includes(`${sep}dom-serializer${sep}`)) return undefined;
        if (!existsSync(escape)) throw new Error(`entities moved: ${escape} is missing (src/build/build.mjs, oneEntities)`);
        return { path: escape };
      });
    },
  };
}

/**
 * axios imports form-data (and with it mime-db, 137 kB of MIME types) for one feature: turning a plain
 * object into a multipart body. The sign-in posts URL-encoded forms only, so form-data is replaced by a
 * class that says so if axios ever reaches for it. axios's other FormData checks (instanceof, getHeaders)
 * see a class no body is an instance of, as with a plain object.
 */
function noMultipartForms() {
  const stub = [
    'export default class FormData {',
    '  constructor() { throw new Error("awsfed does not send multipart bodies (form-data is left out of the bundle: src/build/build.mjs)"); }',
    '}',
  ].join('\n');
  return {
    name: 'no-multipart-forms',
    setup(b) {
      b.onResolve({ filter: /^form-data$/ }, (args) => (args.importer.includes(`${sep}axios${sep}`) ? { path: 'form-data', namespace: 'awsfed-stub' } : undefined));
      b.onLoad({ filter: /.*/, namespace: 'awsfed-stub' }, () => ({ contents: stub, loader: 'js' }));
    },
  };
}

/**
 * Node's fetch (undici) is loaded on first touch of the global fetch, Request, Response or FormData, and
 * costs about 10 MiB of RSS and 15 ms. axios touches them when it loads, for its fetch adapter and one
 * instanceof check, although it sends through its http adapter on Node (the only one that takes our
 * https.Agent with the CA bundle and the cookie jar). So the bundle gets axios without the fetch adapter
 * (which then reports itself unsupported, as in a runtime without fetch), and its FormData instanceof
 * check falls back to its duck-typed test. A text patch: the build fails if axios changes the line.
 */
function axiosWithoutFetch() {
  const formDataLine = "const FormDataCtor = typeof G.FormData !== 'undefined' ? G.FormData : undefined;";
  return {
    name: 'axios-without-fetch',
    setup(b) {
      b.onLoad({ filter: /[\\/]axios[\\/]lib[\\/]adapters[\\/]fetch\.js$/ }, () => ({
        contents: 'export const getFetch = () => false;\nexport default false;\n',
        loader: 'js',
      }));
      b.onLoad({ filter: /[\\/]axios[\\/]lib[\\/]utils\.js$/ }, ({ path }) => {
        const text = readFileSync(path, 'utf8');
        if (!text.includes(formDataLine)) throw new Error(`axios changed: ${path} no longer has \`${formDataLine}\` (src/build/build.mjs, axiosWithoutFetch)`);
        return { contents: text.replace(formDataLine, 'const FormDataCtor = undefined;'), loader: 'js' };
      });
    },
  };
}

/**
 * Modules that a bundled package imports at its top level for a feature awsfed never uses, each
 * replaced (for that importer only) by a module that throws if the feature is ever reached. Each costs
 * load time and RSS on every sign-in (figures from one login against the emulators, issue 8 item 3):
 * - axios: `http2` (Node's HTTP/2 stack, about 2 MiB of RSS; used only with httpVersion: 2, never set),
 *   `follow-redirects` with `debug` (src/http/client.ts sets maxRedirects: 0 and follows redirects itself,
 *   so that each hop is checked and logged) and `https-proxy-agent` (proxy: false: axios' implicit proxy
 *   support is switched off in src/http/client.ts);
 * - @aws-sdk/client-sts: `@aws-sdk/credential-provider-node`, the default credential chain (env, ini,
 *   sso, process, web identity, IMDS): src/sts/client.ts passes credentials on every client, or a provider
 *   that throws for the unsigned AssumeRoleWithSAML, so the chain is never asked.
 */
function unusedPaths() {
  const thrower = (what) => `function unused() { throw new Error(${JSON.stringify(`awsfed does not use ${what} (left out of the bundle: src/build/build.mjs, unusedPaths)`)}); }`;
  const stubs = [
    {
      name: 'http2',
      importer: `${sep}axios${sep}`,
      contents: `${thrower("axios' HTTP/2 transport")}\nexport default new Proxy({}, { get: unused });\n`,
    },
    {
      name: 'follow-redirects',
      importer: `${sep}axios${sep}`,
      contents: `${thrower("axios' redirect following")}\nexport default { http: new Proxy({}, { get: unused }), https: new Proxy({}, { get: unused }) };\n`,
    },
    {
      name: 'https-proxy-agent',
      importer: `${sep}axios${sep}`,
      contents: `${thrower("axios' implicit proxy support")}\nexport default class HttpsProxyAgent { constructor() { unused(); } }\n`,
    },
    {
      name: '@aws-sdk/credential-provider-node',
      importer: `${sep}@aws-sdk${sep}client-sts${sep}`,
      contents: `${thrower("the SDK's default credential chain")}\nexport const defaultProvider = () => unused;\n`,
    },
  ];
  return {
    name: 'unused-paths',
    setup(b) {
      for (const stub of stubs) {
        const filter = new RegExp(`^${stub.name.replace(/[/.\-@]/g, (c) => `\\${c}`)}$`);
        b.onResolve({ filter }, (args) => (args.importer.includes(stub.importer) ? { path: stub.name, namespace: 'awsfed-unused' } : undefined));
      }
      b.onLoad({ filter: /.*/, namespace: 'awsfed-unused' }, ({ path }) => ({ contents: stubs.find((s) => s.name === path).contents, loader: 'js' }));
    },
  };
}

/**
 * The `debug` package (used by the proxy agents) prints to stderr whenever the user's environment sets
 * DEBUG: the proxy URL with its password, and for http targets the whole forwarded request (cookies,
 * the posted password). awsfed's own --debug is the only diagnostic channel, and it redacts; so in the
 * bundle `debug` is a logger that is never enabled.
 */
function silentDebug() {
  const contents = `function createDebug() { const log = () => {}; log.enabled = false; log.extend = createDebug; return log; }
createDebug.enable = () => {}; createDebug.disable = () => ''; createDebug.enabled = () => false;
module.exports = createDebug; module.exports.default = createDebug;\n`;
  return {
    name: 'silent-debug',
    setup(b) {
      b.onResolve({ filter: /^debug$/ }, () => ({ path: 'debug', namespace: 'awsfed-silent-debug' }));
      b.onLoad({ filter: /.*/, namespace: 'awsfed-silent-debug' }, () => ({ contents, loader: 'js' }));
    },
  };
}

/** One entry per package whose code went into dist, with its license text. */
function notices(metafile) {
  const packages = new Map();
  for (const input of Object.keys(metafile.inputs)) {
    const dir = packageDir(input);
    if (dir && !packages.has(dir)) packages.set(dir, JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')));
  }
  const entries = [...packages.entries()].sort(([, a], [, b]) => a.name.localeCompare(b.name));
  const parts = [
    `awsfed ${pkg.version} bundles the following packages (${entries.length}). Their notices follow.\n`,
  ];
  for (const [dir, p] of entries) {
    const license = typeof p.license === 'string' ? p.license : (p.license?.type ?? 'see below');
    parts.push(`${'='.repeat(78)}\n${p.name}@${p.version} (${license})${p.repository ? `\n${repositoryUrl(p.repository)}` : ''}\n`);
    const file = licenseFile(join(root, dir));
    parts.push(file ? readFileSync(file, 'utf8').trim() + '\n' : `No license file shipped; the package declares: ${license}.\n`);
  }
  return parts.join('\n');
}

/** "node_modules/@scope/name/dist/x.js" -> "node_modules/@scope/name" (the innermost package). */
function packageDir(input) {
  const parts = input.split(/[\\/]/);
  const at = parts.lastIndexOf('node_modules');
  if (at === -1) return undefined;
  const length = parts[at + 1]?.startsWith('@') ? 3 : 2;
  let dir = parts.slice(0, at + length).join('/');
  // A package may nest its own package.json files (e.g. "type": "module" markers): walk up to the named one.
  while (!existsSync(join(root, dir, 'package.json'))) dir = dirname(dir);
  return relative(root, join(root, dir)).split(sep).join('/');
}

function licenseFile(dir) {
  const name = readdirSync(dir).find((f) => /^(licen[sc]e|copying|notice)(\.|$)/i.test(f));
  return name ? join(dir, name) : undefined;
}

function repositoryUrl(repository) {
  return typeof repository === 'string' ? repository : repository.url;
}
