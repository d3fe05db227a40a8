export interface MavenCoordinate {
  readonly groupId: string;
  readonly artifactId: string;
  readonly version: string;
}

/**
 * A throwaway `pom` project whose only purpose is to let `dependency:copy-dependencies`
 * resolve the runtime classpath of the listed artifacts.
 */
export function renderPom(artifactId: string, dependencies: readonly MavenCoordinate[]): string {
  const deps = dependencies
    .map(
      (dep) =>
        '    <dependency>\n' +
        `      <groupId>${xml(dep.groupId)}</groupId>\n` +
        `      <artifactId>${xml(dep.artifactId)}</artifactId>\n` +
        `      <version>${xml(dep.version)}</version>\n` +
        '    </dependency>\n',
    )
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<project xmlns="http://maven.apache.org/POM/4.0.0">\n' +
    '  <modelVersion>4.0.0</modelVersion>\n' +
    '  <groupId>siem.infra</groupId>\n' +
    `  <artifactId>${xml(artifactId)}</artifactId>\n` +
    '  <version>1</version>\n' +
    '  <packaging>pom</packaging>\n' +
    '  <dependencies>\n' +
    deps +
    '  </dependencies>\n' +
    '</project>\n'
  );
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
