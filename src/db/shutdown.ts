/**
 * Clean-up that must happen even when the user presses Ctrl-C or the process is told to terminate: drop scratch
 * databases, stop the embedded server. Tasks run last-registered first (a database before its server).
 */
type Task = () => Promise<void> | void;

const tasks: Task[] = [];
let installed = false;
let interruptedBy: NodeJS.Signals | null = null;

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/** The shell's convention for a process ended by a signal: 128 + its number (Ctrl-C 130, SIGTERM 143). */
const SIGNAL_EXIT_CODES: Readonly<Record<string, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/**
 * The signal that interrupted this process, or null. Work torn down by the clean-up fails in strange ways
 * (connections "terminated by administrator command"): a face reports the interruption instead of those errors.
 */
export function interruption(): { readonly signal: NodeJS.Signals; readonly exitCode: number } | null {
  return interruptedBy && { signal: interruptedBy, exitCode: SIGNAL_EXIT_CODES[interruptedBy] ?? 1 };
}

export function onShutdown(task: Task): () => void {
  install();
  tasks.push(task);
  return () => {
    const index = tasks.lastIndexOf(task);
    if (index >= 0) tasks.splice(index, 1);
  };
}

/** Runs every registered task now (LIFO), each at most `timeoutMs`. */
export async function runShutdownTasks(timeoutMs = 90_000): Promise<void> {
  while (tasks.length > 0) {
    const task = tasks.pop()!;
    await Promise.race([
      Promise.resolve()
        .then(task)
        .catch(() => {}),
      new Promise((resolve) => setTimeout(resolve, timeoutMs).unref()),
    ]);
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  for (const signal of SIGNALS) {
    const handler = () => {
      if (interruptedBy) return; // a second Ctrl-C while cleaning up is ignored: the clean-up is short and bounded
      interruptedBy = signal;
      process.exitCode = SIGNAL_EXIT_CODES[signal] ?? 1;
      process.stderr.write(`\npgwarden: interrupted (${signal}); cleaning up…\n`);
      void runShutdownTasks().finally(() => {
        // Deliver the signal again without us, so the process ends as it would have (or as its owner decides);
        // if another listener keeps it alive, it still ends with the signal's exit code.
        process.removeListener(signal, handler);
        process.kill(process.pid, signal);
      });
    };
    process.on(signal, handler);
  }
}
