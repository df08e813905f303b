/**
 * awsfed's version, inlined by the build (src/build/build.mjs `define`): a bundle cannot read
 * ../package.json relative to its own file, and `--version` should not read a file at all.
 * Unbundled code (unit tests under vitest) sees no define and reports "0.0.0-dev".
 */
declare const AWSFED_VERSION: string | undefined;

export const VERSION: string = typeof AWSFED_VERSION === 'string' ? AWSFED_VERSION : '0.0.0-dev';
