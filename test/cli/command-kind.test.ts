import { describe, expect, it } from 'vitest';
import {
  commandOf,
  GLOBAL_OPTIONS_WITH_VALUE,
  isLongRunning,
  parsesFirst,
} from '../../src/cli/command-kind.js';
import { buildProgram } from '../../src/cli/main.js';

const argv = (...args: string[]) => ['node', 'pgwarden', ...args];

describe('what the launcher reads from a command line', () => {
  it('finds the command: the first argument that is not an option', () => {
    expect(commandOf(argv('--no-color', 'lint', 'db/migrations'))).toBe('lint');
    expect(commandOf(argv('--help'))).toBe('');
    // the value of --config is not the command (the launcher picks the lint bundle by it)
    expect(commandOf(argv('--config', 'lint', 'check', '.'))).toBe('check');
    expect(commandOf(argv('--config=lint', 'check'))).toBe('check');
  });

  it('knows every global option of the program that takes a value (else that value would be read as the command)', () => {
    const withValue = buildProgram()
      .options.filter((option) => option.required || option.optional)
      .map((option) => option.long);
    expect([...GLOBAL_OPTIONS_WITH_VALUE].sort()).toEqual(withValue.sort());
  });

  it('keeps the optimising compilers for the long-running commands only', () => {
    expect(isLongRunning(argv('mcp'))).toBe(true);
    expect(isLongRunning(argv('lint', 'a.sql'))).toBe(false);
  });

  it('loads the parser first for the commands that parse first, not for their help', () => {
    expect(parsesFirst(argv('lint', 'a.sql'))).toBe(true);
    expect(parsesFirst(argv('explain', 'plan.json'))).toBe(true);
    expect(parsesFirst(argv('lint', '--help'))).toBe(false);
    expect(parsesFirst(argv('migrate', 'up'))).toBe(false);
  });
});
