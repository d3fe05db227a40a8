import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../free-port';
import { waitFor } from '../wait-for';

const run = promisify(execFile);

export interface Mosquitto {
  readonly port: number;
  readonly url: string;
  /** The TLS listener's URL, when started with certificates. */
  readonly tlsUrl?: string;
  /** `mosquitto_pub -q 1 -t topic ...args`, with `input` on its stdin (for `-l`). */
  publish(topic: string, args: string[], input?: string): Promise<void>;
  /** Stops the broker; resolves once it has exited (it writes its database on the way out). */
  stop(): Promise<void>;
}

/**
 * A real mosquitto on a free port, persisting sessions under `dir` so queued
 * QoS 1 messages outlive a subscriber's restart; with `tls`, a second listener
 * serves the same broker over TLS.
 */
export async function startMosquitto(dir: string, tls?: { readonly cert: string; readonly key: string }): Promise<Mosquitto> {
  const port = await freePort();
  const tlsPort = tls ? await freePort() : undefined;
  const config = path.join(dir, 'mosquitto.conf');
  const tlsListener = tls ? [`listener ${tlsPort} 127.0.0.1`, `certfile ${tls.cert}`, `keyfile ${tls.key}`] : [];
  writeFileSync(
    config,
    // `user root`: as root, mosquitto otherwise drops to the mosquitto user, which cannot read the test's key or directory; it has no effect for other users.
    ['user root', 'per_listener_settings false', 'allow_anonymous true', 'persistence true', `persistence_location ${dir}/`, 'max_queued_messages 100000', `listener ${port} 127.0.0.1`, ...tlsListener, ''].join('\n'),
  );
  const child: ChildProcess = spawn('mosquitto', ['-c', config], { stdio: 'ignore' });
  await waitFor('mosquitto to accept connections', async () => {
    await run('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(port), '-t', 'probe', '-m', 'up']);
    return true;
  }, 20_000, 200);
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    tlsUrl: tlsPort === undefined ? undefined : `mqtts://127.0.0.1:${tlsPort}`,
    publish: (topic, args, input) =>
      new Promise((resolve, reject) => {
        // Without input, stdin is not a pipe at all: with `-m` or `-f`, mosquitto_pub may exit before a write to it lands, which would fail as EPIPE.
        const publisher = spawn('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(port), '-q', '1', '-t', topic, ...args], {
          stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'],
        });
        let stderr = '';
        publisher.stderr?.on('data', (chunk) => (stderr += chunk));
        publisher.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`mosquitto_pub exited with ${code}: ${stderr}`))));
        if (input !== undefined) {
          publisher.stdin?.once('error', (error) => reject(new Error(`mosquitto_pub stopped reading its input: ${error.message}; stderr: ${stderr}`)));
          publisher.stdin?.end(input);
        }
      }),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
