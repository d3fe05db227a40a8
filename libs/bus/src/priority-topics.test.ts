import { describe, expect, it } from 'vitest';
import { loadConfig } from '@siem/config';
import { pipelineTopics } from './create-bus';
import { priorityGroup, priorityTopic } from './priority-topics';

describe('priority topics', () => {
  it('priority – the high class travels on <raw>.high in group <group>-high, normal on the raw topic and group', () => {
    expect(priorityTopic('siem.raw', 'high')).toBe('siem.raw.high');
    expect(priorityTopic('siem.raw', 'normal')).toBe('siem.raw');
    expect(priorityGroup('siem-processor', 'high')).toBe('siem-processor-high');
    expect(priorityGroup('siem-processor', 'normal')).toBe('siem-processor');
  });

  it('priority – the pipeline creates the high topic with the raw topic\'s partitions', () => {
    const topics = pipelineTopics(loadConfig({ SIEM_TOPIC_RAW: 'plant.raw', SIEM_TOPIC_PARTITIONS: '3' }));
    expect(topics.find((spec) => spec.topic === 'plant.raw.high')).toEqual({ topic: 'plant.raw.high', partitions: 3, replicationFactor: 1 });
  });
});
