import { describe, expect, it } from 'vitest';
import { PgwardenError } from '../../src/core/errors.js';
import { redact, redactUrl, registerSecret } from '../../src/core/redact.js';

describe('redaction', () => {
  it('masks the password of connection URLs and remembers it', () => {
    expect(redactUrl('postgres://app:hunter2-long@db.example:5432/shop')).toBe(
      'postgres://app:***@db.example:5432/shop',
    );
    expect(redact('failed: password hunter2-long was wrong')).toBe('failed: password *** was wrong');
  });

  it('masks percent-encoded passwords in both forms', () => {
    expect(redactUrl('postgresql://u:p%40ss%3Aword@h/d')).toBe('postgresql://u:***@h/d');
    expect(redact('raw p@ss:word here')).toBe('raw *** here');
  });

  it('masks keyword/value passwords', () => {
    expect(redact('host=h password=topsecret dbname=d')).toBe('host=h password=*** dbname=d');
    expect(redact("password='with space'")).toBe('password=***');
  });

  it('keeps URLs without a password intact', () => {
    expect(redactUrl('postgres://app@localhost/shop')).toBe('postgres://app@localhost/shop');
  });

  it('applies to every PgwardenError message and hint', () => {
    registerSecret('registered-secret-42');
    const error = new PgwardenError('connection', 'could not use registered-secret-42', {
      hint: 'not registered-secret-42 either',
    });
    expect(error.message).not.toContain('registered-secret-42');
    expect(error.hint).not.toContain('registered-secret-42');
  });
});
