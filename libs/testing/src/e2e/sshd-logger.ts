import { spawn } from 'node:child_process';

/** sshd's own wording (OpenSSH auth.c), one line per attempt: `failures` failed passwords, then an accepted one. */
export function attemptLines(user: string, ip: string, failures: number): string[] {
  const lines = Array.from({ length: failures }, (_, i) => `Failed password for ${user} from ${ip} port ${40000 + i} ssh2`);
  return [...lines, `Accepted password for ${user} from ${ip} port 41000 ssh2`];
}

/** Sends lines as sshd with util-linux logger over TCP (RFC 5424, octet counting), one process reading them all from stdin. */
export async function logger(syslogPort: number, lines: readonly string[]): Promise<void> {
  const child = spawn('logger', ['-n', '127.0.0.1', '-P', String(syslogPort), '-T', '--octet-count', '--rfc5424', '-t', 'sshd', '--id=2222', '-p', 'auth.info'], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.end(`${lines.join('\n')}\n`);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`logger exited with ${code}: ${stderr}`);
}
