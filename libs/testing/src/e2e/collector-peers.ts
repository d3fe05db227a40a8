/**
 * Real peers for the collector input tests: certificates made with the
 * openssl CLI, and syslog-ng run unprivileged in the foreground with a
 * generated configuration, forwarding lines written to files.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export interface TestCertificates {
  readonly ca: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: 'ignore' });
}

/** A CA, a server certificate for 127.0.0.1/localhost and a client certificate, both signed by the CA. */
export function makeCertificates(dir: string): TestCertificates {
  const file = (name: string) => path.join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(['req', '-x509', ...ec, '-days', '2', '-subj', '/CN=siem-test-ca', '-keyout', file('ca.key'), '-out', file('ca.pem')]);
  for (const [name, subject, extension] of [
    ['server', '/CN=localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth'],
    ['client', '/CN=syslog-ng-test-client', 'extendedKeyUsage=clientAuth'],
  ] as const) {
    writeFileSync(file(`${name}.ext`), `${extension}\n`);
    openssl(['req', ...ec, '-subj', subject, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`)]);
    openssl(['x509', '-req', '-in', file(`${name}.csr`), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', file(`${name}.ext`), '-out', file(`${name}.pem`)]);
  }
  return { ca: file('ca.pem'), serverCert: file('server.pem'), serverKey: file('server.key'), clientCert: file('client.pem'), clientKey: file('client.key') };
}

export interface SyslogNgRoute {
  /** File syslog-ng reads lines from (it must exist). */
  readonly inputFile: string;
  /** A syslog-ng destination driver, e.g. `syslog("127.0.0.1" port(6514) transport("tls") tls(...))`. */
  readonly destination: string;
}

/** Starts syslog-ng in the foreground, one source file and destination per route; stop it with `kill()`. */
export function startSyslogNg(dir: string, routes: readonly SyslogNgRoute[]): ChildProcess & { output: string[] } {
  const config = [
    '@version: 3.35',
    'options { use-dns(no); stats-freq(0); time-reopen(1); flush-lines(1); };',
    ...routes.flatMap((route, i) => [
      `source s${i} { file("${route.inputFile}" follow-freq(0.1) flags(no-parse)); };`,
      // Two destinations to the same host and port need distinct persist names.
      `destination d${i} { ${route.destination.replace(/\)\s*$/, ` persist-name("d${i}"))`)}; };`,
      `log { source(s${i}); destination(d${i}); };`,
    ]),
  ].join('\n');
  const conf = path.join(dir, 'syslog-ng.conf');
  writeFileSync(conf, `${config}\n`);
  const child = spawn('syslog-ng', ['-F', '-e', '-f', conf, '--persist-file', path.join(dir, 'syslog-ng.persist'), '--pidfile', path.join(dir, 'syslog-ng.pid'), '--control', path.join(dir, 'syslog-ng.ctl')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
  return Object.assign(child, { output });
}
