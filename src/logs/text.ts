/**
 * A copy of `text` that keeps nothing else alive. A line cut from a chunk of the log, and every regular-expression
 * capture of it, is a slice that holds the whole chunk (a megabyte) for as long as it lives: a value kept past the
 * line (an example, a map key, a process's last statement) must be detached, or the memory grows with the log.
 * V8 flattens the concatenation into a new string of its own, and the slice is of that one.
 */
export function detach(text: string): string;
export function detach(text: string | null): string | null;
export function detach(text: string | null): string | null {
  return text === null || text.length < 13 ? text : ` ${text}`.slice(1);
}
