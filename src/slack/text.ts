/**
 * Text for Slack messages: mrkdwn escaping and the cuts that keep a text within a Block Kit limit
 * while saying what was left out. Names, courses and drivers come from the LMS export, so they are
 * escaped before they reach mrkdwn: `<!channel>` in a name must ping nobody.
 */

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * `text` cut to at most `max` characters, ending in "…" when cut. The cut never leaves half an
 * escape (`&am`), half a mention or link (`<@U1`), or half a surrogate pair: Slack would show
 * garbage or, for a link, swallow the rest of the message.
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return '…'.slice(0, Math.max(max, 0));
  let kept = text.slice(0, max - 1);
  kept = kept.replace(/&[#a-zA-Z0-9]*$/, '').replace(/<[^>]*$/, '');
  if (/[\uD800-\uDBFF]$/.test(kept)) kept = kept.slice(0, -1);
  return `${kept}…`;
}

/**
 * A time in Slack's date formatting: each reader sees it in their own time zone and locale; clients
 * that cannot render it show the UTC fallback. `format` uses Slack's tokens ({date_short_pretty},
 * {time}, {date_short}, ...). An unreadable time comes back as it was given, escaped.
 */
export function slackDate(at: Date | string, format = '{date_short_pretty} {time}'): string {
  const ms = typeof at === 'string' ? Date.parse(at) : at.getTime();
  if (!Number.isFinite(ms)) return escapeMrkdwn(String(at));
  const iso = new Date(ms).toISOString();
  const fallback = format.includes('{time}') ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : iso.slice(0, 10);
  return `<!date^${Math.floor(ms / 1000)}^${format}|${fallback}>`;
}

/**
 * A failure reason fit for a Slack channel: server paths shortened to their file name
 * (`/srv/lumen/out/runs/r1/run_summary.json` -> `run_summary.json`), the first line only.
 * The full reason stays in the job's log.
 */
export function withoutPaths(reason: string): string {
  const first = reason.split('\n')[0] ?? '';
  return first.replace(/(?:[A-Za-z]:)?(?:[\\/][^\s\\/:'"`()]+)+[\\/]([^\s\\/:'"`()]+)/g, '$1');
}

function moreLines(n: number): string {
  return `... and ${n} more line${n === 1 ? '' : 's'}`;
}

/**
 * `text` within `max` characters, cut at whole lines with "... and N more lines" at the end; only a
 * first line that alone is too long is cut inside (see cutText).
 */
export function truncateLines(text: string, max: number): string {
  if (text.length <= max) return text;
  const lines = text.split('\n');
  let kept = 0;
  let used = 0;
  for (const line of lines) {
    const next = used + (kept ? 1 : 0) + line.length;
    const tail = `\n${moreLines(lines.length - kept - 1)}`;
    if (next + tail.length > max) break;
    used = next;
    kept += 1;
  }
  if (kept > 0) return `${lines.slice(0, kept).join('\n')}\n${moreLines(lines.length - kept)}`;
  const rest = lines.length - 1;
  if (rest === 0) return cutText(text, max);
  const tail = `\n${moreLines(rest)}`;
  return `${cutText(lines[0] ?? '', max - tail.length)}${tail}`;
}

/**
 * The items joined with `separator`, within `max` characters: as many whole items as fit, then
 * "... and N more" (a learner's 400 courses read "C1, C2, ... and 380 more", not a blind cut).
 * Items are taken as they are: escape them first.
 */
export function truncateList(items: readonly string[], max: number, separator = ', '): string {
  const all = items.join(separator);
  if (all.length <= max) return all;
  let kept = 0;
  let used = 0;
  for (const item of items) {
    const next = used + (kept ? separator.length : 0) + item.length;
    const tail = `${separator}... and ${items.length - kept - 1} more`;
    if (next + tail.length > max) break;
    used = next;
    kept += 1;
  }
  const tail = `... and ${items.length - kept} more`;
  return kept ? `${items.slice(0, kept).join(separator)}${separator}${tail}` : cutText(tail, max);
}
