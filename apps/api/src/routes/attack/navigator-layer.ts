/**
 * An ATT&CK Navigator layer (layer file format 4.5, mitre-attack/attack-navigator
 * layers/LAYERFORMATv4_5.md) of the detection coverage: one technique entry per covered
 * technique, scored by its number of enabled rules, with the rule titles as comment.
 */
import type { TechniqueCoverage } from './coverage';

export interface NavigatorLayer {
  readonly name: string;
  readonly description: string;
  readonly domain: 'enterprise-attack';
  readonly versions: { readonly layer: '4.5'; readonly navigator: string };
  readonly sorting: number;
  readonly hideDisabled: boolean;
  readonly techniques: readonly { readonly techniqueID: string; readonly score: number; readonly comment: string; readonly enabled: boolean; readonly showSubtechniques: boolean }[];
  readonly gradient: { readonly colors: readonly string[]; readonly minValue: number; readonly maxValue: number };
  readonly legendItems: readonly { readonly label: string; readonly color: string }[];
  readonly metadata: readonly { readonly name: string; readonly value: string }[];
}

/** The Navigator release the layer format 4.5 came with (the format requires at least 4.9.0). */
const NAVIGATOR_VERSION = '4.9.1';
/** Comments stay readable in the Navigator's tooltip. */
const MAX_COMMENT_TITLES = 20;

export function navigatorLayer(techniques: readonly TechniqueCoverage[], generatedAt: string): NavigatorLayer {
  const most = techniques.reduce((max, technique) => Math.max(max, technique.rules.length), 0);
  return {
    name: 'SIEM detection coverage',
    description: `Enabled detection rules per ATT&CK technique (score = number of rules), from the rules' attack.tXXXX tags, ${generatedAt}.`,
    domain: 'enterprise-attack',
    versions: { layer: '4.5', navigator: NAVIGATOR_VERSION },
    sorting: 3,
    hideDisabled: false,
    techniques: techniques.map((technique) => {
      const titles = technique.rules.slice(0, MAX_COMMENT_TITLES).map((rule) => rule.title);
      const more = technique.rules.length - titles.length;
      return {
        techniqueID: technique.id,
        score: technique.rules.length,
        comment: `${titles.join('; ')}${more > 0 ? `; and ${more} more` : ''}`,
        enabled: true,
        // A sub-technique's parent shows it, so covered sub-techniques are visible at a glance.
        showSubtechniques: techniques.some((other) => other.id.startsWith(`${technique.id}.`)),
      };
    }),
    // maxValue must exceed minValue: a layer without rules still opens.
    gradient: { colors: ['#ffe766', '#8ec843'], minValue: 0, maxValue: Math.max(most, 1) },
    legendItems: [
      { label: '1 rule', color: '#ffe766' },
      { label: `${Math.max(most, 1)} rules`, color: '#8ec843' },
    ],
    metadata: [{ name: 'generated', value: generatedAt }],
  };
}
