/** The command as the user typed it, for the lake's lock: `growthlake run --date 2026-11-21`. */
export function commandLine(argv: readonly string[] = process.argv): string {
  return ['growthlake', ...argv.slice(2)].join(' ');
}
