/**
 * Runs `close` when the process is asked to stop (Ctrl+C, SIGTERM from a service manager), then exits
 * with the conventional code (130, 143), so an open project's lock is released and its snapshot written
 * in every case but a hard kill. Returns the function that removes the handlers (call it after a normal
 * close).
 */
export function closeOnSignals(close: () => Promise<void>, onClosed: (signal: NodeJS.Signals) => void = (signal) => process.exit(signal === 'SIGINT' ? 130 : 143)): () => void {
  let closing = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (closing) return;
    closing = true;
    void close()
      .catch((error: unknown) => process.stderr.write(`pleura: closing the project failed: ${(error as Error).message}\n`))
      .finally(() => onClosed(signal));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
