import { createHash } from 'node:crypto';

const TECHNIQUE = /^attack\.(t\d{4}(?:\.\d{3})?)$/i;
const GROUP_OR_SOFTWARE = /^attack\.[gs]\d{4}$/i;

/** The ATT&CK tactics by the short names Sigma tags use (`attack.privilege-escalation`), in matrix order. */
export const ATTACK_TACTICS: readonly string[] = [
  'reconnaissance',
  'resource-development',
  'initial-access',
  'execution',
  'persistence',
  'privilege-escalation',
  'defense-evasion',
  'credential-access',
  'discovery',
  'lateral-movement',
  'collection',
  'command-and-control',
  'exfiltration',
  'impact',
];
const TACTICS = new Set(ATTACK_TACTICS);

/** Technique ids (`T1059.001`) and tactic names (`execution`) from a rule's `attack.*` tags; other tags are ignored. */
export function attackFromTags(tags: readonly string[]): { techniques: string[]; tactics: string[] } {
  const techniques: string[] = [];
  const tactics: string[] = [];
  for (const tag of tags) {
    const technique = TECHNIQUE.exec(tag);
    if (technique !== null) {
      const id = (technique[1] ?? '').toUpperCase();
      if (!techniques.includes(id)) techniques.push(id);
      continue;
    }
    if (!tag.toLowerCase().startsWith('attack.') || GROUP_OR_SOFTWARE.test(tag)) continue;
    const tactic = tag.slice('attack.'.length).toLowerCase().replaceAll('_', '-');
    if (TACTICS.has(tactic) && !tactics.includes(tactic)) tactics.push(tactic);
  }
  return { techniques, tactics };
}

/**
 * The id of the alert a rule raises on an event: the same pair always gives
 * the same id, so a redelivered event indexes over its alert instead of
 * duplicating it.
 */
export function alertId(ruleId: string, eventId: string): string {
  return createHash('sha256').update(ruleId).update('\u0000').update(eventId).digest('base64url').slice(0, 32);
}
