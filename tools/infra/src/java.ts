import { join } from 'node:path';
import { InfraError, InfraErrorCodes } from './errors';
import { isErrno, runCommand } from './process';

export interface JavaTools {
  readonly java: string;
  readonly javac: string;
  readonly major: number;
}

/** Kafka 3.9 brokers and OpenSearch 2.19 both need Java 11 or newer; 17 is what this is tested on. */
export const MIN_JAVA_MAJOR = 11;

const INSTALL_HINT =
  'Install a JDK 17 (Debian: `apt-get install -y openjdk-17-jdk-headless`) or point JAVA_HOME at one.';

/** Picks `$JAVA_HOME/bin/java` when JAVA_HOME is set, else `java` from PATH, and checks its version. */
export async function detectJava(env: NodeJS.ProcessEnv = process.env): Promise<JavaTools> {
  const bin = env.JAVA_HOME ? join(env.JAVA_HOME, 'bin') : '';
  const java = bin ? join(bin, 'java') : 'java';
  const javac = bin ? join(bin, 'javac') : 'javac';
  let output: string;
  try {
    output = (await runCommand(java, ['-version'])).output;
  } catch (error) {
    if (isErrno(error, 'ENOENT') || isErrno(error, 'EACCES')) {
      throw new InfraError(InfraErrorCodes.javaMissing, `No Java runtime found (${java}). ${INSTALL_HINT}`, {
        cause: error,
        retryable: false,
      });
    }
    throw error;
  }
  const major = parseJavaMajor(output);
  if (major === null || major < MIN_JAVA_MAJOR) {
    throw new InfraError(
      InfraErrorCodes.javaMissing,
      `${java} reports ${major === null ? 'an unknown version' : `Java ${major}`}; Kafka and OpenSearch need Java ${MIN_JAVA_MAJOR} or newer. ${INSTALL_HINT}`,
      { retryable: false },
    );
  }
  return { java, javac, major };
}

/** Reads the major version from `java -version` output: `"17.0.15"` → 17, `"1.8.0_392"` → 8. */
export function parseJavaMajor(versionOutput: string): number | null {
  const match = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(versionOutput);
  if (!match?.[1]) return null;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

export function javacMissing(javac: string, cause: unknown): InfraError {
  return new InfraError(
    InfraErrorCodes.javaMissing,
    `The Java compiler (${javac}) was not found; the OpenSearch launcher is compiled once from source, so a JDK rather than a JRE is needed. ${INSTALL_HINT}`,
    { cause, retryable: false },
  );
}
