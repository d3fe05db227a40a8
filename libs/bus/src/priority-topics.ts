/**
 * Priority classes on the bus: a topic per class. Normal records travel on the raw topic,
 * high ones on `<raw>.high`, consumed by the processor in a group of its own (`<group>-high`)
 * whose chunks go before the raw topic's (see apps/processor/src/priority-gate.ts).
 */
export type PriorityClass = 'high' | 'normal';

export function priorityTopic(rawTopic: string, priorityClass: PriorityClass): string {
  return priorityClass === 'high' ? `${rawTopic}.high` : rawTopic;
}

export function priorityGroup(consumerGroup: string, priorityClass: PriorityClass): string {
  return priorityClass === 'high' ? `${consumerGroup}-high` : consumerGroup;
}
