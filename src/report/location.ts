import { isAbsolute, normalize, relative, sep } from 'node:path';
import type { Location } from '../core/finding.js';
import { isFileLocation } from '../core/finding.js';

/**
 * Paths are shown relative to the working directory, with forward slashes (as SARIF and GitHub want them). A
 * relative path (SQL given as text under a name of its own) is shown as it is.
 */
export function displayPath(file: string, cwd: string = process.cwd()): string {
  if (file.startsWith('<')) return file;
  if (!isAbsolute(file)) return normalize(file).split(sep).join('/');
  const rel = relative(cwd, file);
  const shown = rel === '' ? file : rel.startsWith('..') && file.startsWith(sep) ? file : rel;
  return shown.split(sep).join('/');
}

export function locationLabel(location: Location, cwd?: string): string {
  return isFileLocation(location)
    ? `${displayPath(location.file, cwd)}:${location.line}:${location.column}`
    : `${location.object} (${location.kind})`;
}
