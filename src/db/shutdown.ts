/**
 * Clean-up that must happen even when the user presses Ctrl-C or the process is told to terminate: drop scratch
 * databases, stop the embedded server. Tasks run last-registered first (a database before its server).
 */
type Task = () => Promise<void> | void;

const tasks: Task[] = [];
let installed = false;
let shuttingDown = false;

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

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
      if (shuttingDown) return; // a second Ctrl-C while cleaning up is ignored: the clean-up is short and bounded
      shuttingDown = true;
      if (process.stderr.isTTY) process.stderr.write(`\npgwarden: ${signal} received, cleaning up...\n`);
      void runShutdownTasks().finally(() => {
        // Deliver the signal again without us, so the process ends as it would have (or as its owner decides).
        process.removeListener(signal, handler);
        process.kill(process.pid, signal);
      });
    };
    process.on(signal, handler);
  }
}
