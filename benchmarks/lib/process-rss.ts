import { readFileSync, readdirSync } from 'node:fs';

/** Resident set size in bytes of a process, from /proc (Linux). */
export function rssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The pid and its descendants (the processor's cluster workers). */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(parent) ?? [];
      list.push(Number(entry));
      children.set(parent, list);
    } catch {
      continue;
    }
  }
  const tree: number[] = [];
  const visit = (p: number) => {
    tree.push(p);
    for (const child of children.get(p) ?? []) visit(child);
  };
  visit(pid);
  return tree;
}

/** Samples the peak RSS of every process in the given trees until stopped. */
export class RssSampler {
  readonly peaks = new Map<number, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly roots: () => number[], intervalMs = 250) {
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  sample(): void {
    for (const root of this.roots()) {
      for (const pid of processTree(root)) this.peaks.set(pid, Math.max(this.peaks.get(pid) ?? 0, rssBytes(pid)));
    }
  }

  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return Math.max(0, ...this.peaks.values());
  }
}
