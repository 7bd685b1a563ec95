/** scripts/build.mjs: compiles src/ to dist/; returns whether it compiled. */
export function build(options?: { ifStale?: boolean }): boolean;

/** Lumen's module at src/<path> (no extension): the current dist/ build, else the sources through tsx. */
export function lumenModule(path: string): Promise<Record<string, unknown>>;
