/**
 * Cancellation of database work: inside `cancellable(signal, work)`, every Connection opened is tied to the
 * signal. When it aborts, the query each one is running is cancelled on the server (pg_cancel_backend, from a
 * separate session), the connection is closed, and any later query or connection in that work fails at once —
 * the backend stops and the connection is released, rather than running on until its statement_timeout.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { PgwardenError } from '../core/errors.js';

const scopes = new AsyncLocalStorage<AbortSignal>();

/** Runs `work` with its database sessions tied to `signal` (without a signal, as it is). */
export function cancellable<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
  return signal ? scopes.run(signal, work) : work();
}

/** The signal of the cancellable work this runs in, if any. */
export function cancellation(): AbortSignal | undefined {
  return scopes.getStore();
}

export function cancelledError(): PgwardenError {
  return new PgwardenError('cancelled', 'cancelled by the client: its database work was stopped', {
    hint: 'nothing more runs for this request; its queries were cancelled on the server and its sessions closed',
  });
}
