/**
 * The run folder: the one owner of every file a run writes (names, types, readers), of the layout
 * OUT/runs/<runId>/ + OUT/latest, and of the rules "latest run", "previous run" and "a digest's
 * baseline". The CLI, the jobs, the bot, the digest and the dashboard all go through it.
 */
export * from './files.ts';
export * from './layout.ts';
export * from './read.ts';
