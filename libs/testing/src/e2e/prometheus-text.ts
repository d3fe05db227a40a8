import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Scrapes a Prometheus endpoint with curl, as a Prometheus server or an operator would. */
export async function scrape(url: string): Promise<string> {
  const { stdout } = await run('curl', ['-sS', '--fail', url], { timeout: 10_000 });
  return stdout;
}

/** The value of one series in Prometheus text, or undefined when absent; labels must match exactly. */
export function sample(text: string, name: string, labels: Readonly<Record<string, string>> = {}): number | undefined {
  const names = Object.keys(labels).sort();
  const series = names.length === 0 ? name : `${name}{${names.map((n) => `${n}="${labels[n]}"`).join(',')}}`;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return undefined;
}
