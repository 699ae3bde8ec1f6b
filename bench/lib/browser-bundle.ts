import type { BuildOptions } from "esbuild";

/**
 * How a page's bundler builds `planexe-client` for the browser, as bench/bundle-size.ts
 * measures it and test/package/root-bundle.test.ts checks it: one ES module, every
 * import bundled, minified, with the metafile that says which input each byte came from.
 */
export const BROWSER_PAGE_BUILD = {
  bundle: true,
  minify: true,
  platform: "browser",
  format: "esm",
  write: false,
  metafile: true,
} as const satisfies BuildOptions;
