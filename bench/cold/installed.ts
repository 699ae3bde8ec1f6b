import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** What `npx` installed for one package spec. */
export interface Installed {
  /** Every package in the install, the one asked for included. */
  packages: number;
  /** Bytes of all files under its `node_modules` (apparent sizes, as `du -b` counts). */
  bytes: number;
  /** What those files take on disk (`du -sk`: whole blocks, as the first table counted). */
  diskBytes: number;
  /** The packages by name, sorted (so a change in the tree shows in the results JSON). */
  names: string[];
}

/** `<cache>/_npx/<hash>/node_modules` of the one package npx installed into `cache`. */
export function npxModules(cache: string): string {
  const npx = join(cache, "_npx");
  const dirs = existsSync(npx) ? readdirSync(npx) : [];
  if (dirs.length !== 1)
    throw new Error(`expected one npx install in ${npx}, found ${dirs.length}`);
  return join(npx, dirs[0] as string, "node_modules");
}

function bytesUnder(path: string): number {
  const stat = lstatSync(path);
  if (!stat.isDirectory()) return stat.size;
  let total = 0;
  for (const entry of readdirSync(path)) total += bytesUnder(join(path, entry));
  return total;
}

/**
 * What npx installed into `<cache>/_npx/<hash>/node_modules` for the one package it ran
 * from this cache: the packages listed in npm's own lockfile of that folder
 * (`node_modules/.package-lock.json`), and the bytes of every file under it.
 */
export function installedByNpx(cache: string): Installed {
  const modules = npxModules(cache);
  const lock = JSON.parse(readFileSync(join(modules, ".package-lock.json"), "utf8")) as {
    packages: Record<string, unknown>;
  };
  const names = Object.keys(lock.packages)
    .filter((key) => key.startsWith("node_modules/"))
    .map((key) => key.replace(/^node_modules\//, "").replace(/\/node_modules\//g, " > "))
    .sort();
  const diskKb = Number(execFileSync("du", ["-sk", modules], { encoding: "utf8" }).split("\t")[0]);
  return { packages: names.length, bytes: bytesUnder(modules), diskBytes: diskKb * 1024, names };
}
