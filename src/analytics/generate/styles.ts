/** The synthetic export's styles (`lumen generate --style`): apart, so the CLI's options load nothing else. */
export type GenerateStyle = 'default' | 'cohort';
export const GENERATE_STYLES: readonly GenerateStyle[] = ['default', 'cohort'];
