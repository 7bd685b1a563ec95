/** scripts/build.mjs: compiles src/ to dist/; returns whether it compiled. */
export function build(options?: { ifStale?: boolean }): boolean;
