import { describe, expect, it } from 'vitest';
import type { Operation } from '../../src/lint/operations.js';
import { isLockEntryId, LOCK_MODEL, type LockEntryId } from '../../src/locks/model.js';

describe('lock model entry ids', () => {
  it('are a type: a misspelt id does not compile (npm run typecheck checks the expect-error lines)', () => {
    const id: LockEntryId = 'create-index';
    // @ts-expect-error: no entry is named create-indexes
    const misspelt: LockEntryId = 'create-indexes';
    const compare = (operation: Operation) =>
      // @ts-expect-error: a rule comparing an operation's entry with a misspelt id would never fire
      operation.entry === 'add-colum';
    expect(isLockEntryId(id)).toBe(true);
    expect(isLockEntryId(misspelt)).toBe(false);
    expect(typeof compare).toBe('function');
  });

  it('are unique', () => {
    const ids = LOCK_MODEL.map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
