/**
 * Calls `onGone` once this process's parent has exited: the process was then
 * re-parented (to init or a subreaper), so `process.ppid` changed. Checked
 * every `intervalMs`; the timer does not keep the process alive.
 */
export function watchParent(onGone: () => void, intervalMs = 1_000): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  timer.unref();
}
