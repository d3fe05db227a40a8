import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import '@siem/auth';
import type { DetectionStore } from '@siem/store';
import { answerStoreError } from '../rules';
import { attackCoverage } from './coverage';
import { navigatorLayer } from './navigator-layer';

export interface AttackRoutesOptions {
  readonly detection: DetectionStore;
}

const CoverageQuerystring = Type.Object(
  {
    format: Type.Union([Type.Literal('json'), Type.Literal('navigator')], {
      default: 'json',
      description: 'json: rules per technique; navigator: an ATT&CK Navigator layer (format 4.5) to open in the Navigator as is.',
    }),
  },
  { additionalProperties: false },
);
type CoverageQuerystring = Static<typeof CoverageQuerystring>;

/** /api/v1/attack: what the enabled rules cover of MITRE ATT&CK. */
export const attackRoutes: FastifyPluginAsync<AttackRoutesOptions> = async (app, { detection }) => {
  app.setErrorHandler(answerStoreError);
  app.get<{ Querystring: CoverageQuerystring }>(
    '/attack/coverage',
    {
      config: { permission: 'rules:read' },
      schema: { summary: 'Enabled detection rules per ATT&CK technique, or the same as an ATT&CK Navigator layer', querystring: CoverageQuerystring },
    },
    async (request, reply) => {
      const coverage = attackCoverage(await detection.listRules({ enabled: true }));
      if (request.query.format === 'json') return coverage;
      return reply.header('content-disposition', 'attachment; filename="siem-attack-coverage.json"').send(navigatorLayer(coverage.techniques, new Date().toISOString()));
    },
  );
};
