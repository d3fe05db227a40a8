import { describe, expect, it } from 'vitest';
import { renderPom } from './pom';

describe('renderPom', () => {
  it('pom – declares a pom-packaged project with every dependency in order', () => {
    const pom = renderPom('kafka-3.9.1', [
      { groupId: 'org.apache.kafka', artifactId: 'kafka_2.13', version: '3.9.1' },
      { groupId: 'ch.qos.reload4j', artifactId: 'reload4j', version: '1.2.25' },
    ]);
    expect(pom).toContain('<packaging>pom</packaging>');
    expect(pom).toContain('<artifactId>kafka-3.9.1</artifactId>');
    const kafkaAt = pom.indexOf('<artifactId>kafka_2.13</artifactId>');
    const reload4jAt = pom.indexOf('<artifactId>reload4j</artifactId>');
    expect(kafkaAt).toBeGreaterThan(0);
    expect(reload4jAt).toBeGreaterThan(kafkaAt);
    expect(pom.match(/<dependency>/g)).toHaveLength(2);
  });

  it('pom – escapes XML metacharacters in coordinates', () => {
    const pom = renderPom('a&b', [{ groupId: 'g<x>', artifactId: 'a', version: '1' }]);
    expect(pom).toContain('<artifactId>a&amp;b</artifactId>');
    expect(pom).toContain('<groupId>g&lt;x&gt;</groupId>');
  });
});
