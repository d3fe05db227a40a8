import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import {
  RuleValidationError,
  compileRules,
  isCorrelationRule,
  isScheduledRule,
  parseSigmaYaml,
  ruleJsonSchema,
  validateCorrelationRule,
  validateRule,
  validateScheduledRule,
  type CorrelationRule,
  type Rule,
  type ScheduledRule,
} from '@siem/rules';
import { ActionError, validateActions } from '@siem/actions';
import { StoreError, type DetectionStore, type RuleDocument, type StoredRule } from '@siem/store';
import { callerTenant } from '../../caller-tenant';
import { ImportBody, RuleIdParams, RuleListQuerystring, TestBody } from './schema';

/** A window of stored events, newest first, as the API's event reader returns them. */
export type EventWindow = (range: { readonly tenant: string; readonly from?: string; readonly to?: string; readonly size: number }) => Promise<readonly { readonly id: string; readonly event: Record<string, unknown> }[]>;

export interface RuleRoutesOptions {
  readonly detection: DetectionStore;
  readonly events: EventWindow;
}

/** Events a dry run reads at most: the newest of the range, which is one store page (OpenSearch's max_result_window). */
export const RULE_TEST_MAX_EVENTS = 10_000;
/** A rule document is at most 256 KiB (libs/rules); the body may be larger so that the refusal names the rule's size. */
const RULE_BODY_LIMIT = 4 * 1024 * 1024;
const IMPORT_BODY_LIMIT = 64 * 1024 * 1024;

const error = (reply: FastifyReply, status: number, code: string, message: string, details?: Record<string, unknown>) =>
  reply.code(status).send({ error: details === undefined ? { code, message } : { code, message, details } });

function invalidRule(reply: FastifyReply, failure: RuleValidationError) {
  return error(reply, 400, failure.code, failure.message, { pointer: failure.pointer, issues: failure.issues });
}

const notFound = (reply: FastifyReply, id: string) => error(reply, 404, 'SIEM_API_RULE_NOT_FOUND', `No rule has the id ${id}; list them with GET /api/v1/rules.`);

/** A rule or alert store that fails answers 503 (retry) or 500 with its code; anything else goes to the API's own handler. */
export function answerStoreError(failure: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (!(failure instanceof StoreError)) throw failure;
  request.log.error({ err: failure, url: request.url.split('?')[0] }, 'The rule and alert store failed.');
  return failure.retryable ? error(reply, 503, failure.code, 'The rule and alert store is unavailable; retry shortly.') : error(reply, 500, failure.code, failure.message);
}

function view(stored: StoredRule) {
  return { ...stored.rule, version: stored.version, createdAt: stored.createdAt, updatedAt: stored.updatedAt };
}

/**
 * /api/v1/rules: detection rules, validated by libs/rules before anything is saved, so a
 * refused rule leaves nothing behind; every change keeps the previous version.
 */
export const ruleRoutes: FastifyPluginAsync<RuleRoutesOptions> = async (app, { detection, events }) => {
  app.setErrorHandler(answerStoreError);
  app.get('/rules/schema', { config: { permission: 'rules:read' } }, async () => ruleJsonSchema());

  app.get<{ Querystring: RuleListQuerystring }>('/rules', { config: { permission: 'rules:read' }, schema: { querystring: RuleListQuerystring } }, async (request) => {
    const { q, ...filter } = request.query;
    const rules = await detection.listRules({ ...filter, ...(q === undefined ? {} : { text: q }) });
    return { total: rules.length, rules: rules.map(view) };
  });

  app.get<{ Params: RuleIdParams }>('/rules/:id', { config: { permission: 'rules:read' }, schema: { params: RuleIdParams } }, async (request, reply) => {
    const stored = await detection.getRule(request.params.id);
    return stored ? view(stored) : notFound(reply, request.params.id);
  });

  app.get<{ Params: RuleIdParams }>('/rules/:id/versions', { config: { permission: 'rules:read' }, schema: { params: RuleIdParams } }, async (request, reply) => {
    const versions = await detection.ruleVersions(request.params.id);
    return versions.length > 0 ? { versions: versions.map(view) } : notFound(reply, request.params.id);
  });

  app.delete<{ Params: RuleIdParams }>('/rules/:id', { config: { permission: 'rules:write' }, schema: { params: RuleIdParams } }, async (request, reply) =>
    (await detection.deleteRule(request.params.id)) ? reply.code(204).send() : notFound(reply, request.params.id),
  );

  for (const [action, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    app.post<{ Params: RuleIdParams }>(`/rules/:id/${action}`, { config: { permission: 'rules:write' }, schema: { params: RuleIdParams } }, async (request, reply) => {
      const stored = await detection.getRule(request.params.id);
      if (!stored) return notFound(reply, request.params.id);
      const [saved] = await detection.saveRules([{ ...stored.rule, enabled }]);
      return view(saved!.stored);
    });
  }

  app.register(rawRuleRoutes, { detection });

  app.post<{ Body: ImportBody }>('/rules/import', { config: { permission: 'rules:write' }, schema: { body: ImportBody }, bodyLimit: IMPORT_BODY_LIMIT }, async (request) => {
    const reports = request.body.files.map((file) => {
      const results = parseSigmaYaml(file.content, file.name);
      const refused = results.find((result) => !result.ok);
      if (refused && !refused.ok) {
        return { file: file.name, status: 'refused' as const, code: refused.code, reason: refused.reason, ...(refused.pointer === undefined ? {} : { pointer: refused.pointer }) };
      }
      if (results.length === 0) return { file: file.name, status: 'refused' as const, code: 'SIEM_RULE_INVALID', reason: 'the file holds no rule' };
      return { file: file.name, status: 'imported' as const, rules: results.flatMap((result) => (result.ok ? [result.rule] : [])) };
    });
    const accepted = reports.flatMap((report) => (report.status === 'imported' ? report.rules : []));
    const saved = new Map((await detection.saveRules(accepted as unknown as RuleDocument[])).map((result) => [result.stored.rule.id, result]));
    return {
      imported: reports.filter((report) => report.status === 'imported').length,
      refused: reports.filter((report) => report.status === 'refused').length,
      files: reports.map((report) =>
        report.status === 'imported'
          ? { file: report.file, status: report.status, rules: report.rules.map((rule) => ({ id: rule.id, title: rule.title, outcome: saved.get(rule.id)?.outcome, version: saved.get(rule.id)?.stored.version })) }
          : report,
      ),
    };
  });

  app.post<{ Body: TestBody }>('/rules/test', { config: { permission: 'rules:write' }, schema: { body: TestBody }, bodyLimit: RULE_BODY_LIMIT }, async (request, reply) => {
    const { rule: candidate, ruleId, from, to, limit } = request.body;
    if ((candidate === undefined) === (ruleId === undefined)) return error(reply, 400, 'SIEM_API_BAD_REQUEST', 'Give either "rule" (a rule document) or "ruleId" (a saved rule), not both.');
    let rule: Rule;
    if (ruleId !== undefined) {
      const stored = await detection.getRule(ruleId);
      if (!stored) return notFound(reply, ruleId);
      if (isCorrelationRule(stored.rule)) return error(reply, 400, 'SIEM_API_RULE_CANNOT_RUN', 'A correlation runs in the alerting scheduler over the matches of its rules; try the rules it names.');
      if (isScheduledRule(stored.rule)) return error(reply, 400, 'SIEM_API_RULE_CANNOT_RUN', 'A scheduled rule runs in the alerting scheduler; try its query with GET /api/v1/search.');
      rule = stored.rule as unknown as Rule;
    } else {
      try {
        rule = validateRule(candidate);
      } catch (failure) {
        if (failure instanceof RuleValidationError) return invalidRule(reply, failure);
        throw failure;
      }
    }
    const began = performance.now();
    // A dry run matches even a disabled rule: that is how one tries it before enabling it.
    const compiled = compileRules([{ ...rule, enabled: true }]);
    if (compiled.size === 0) {
      const reason = compiled.skipped.get(rule.id)?.disabledReason ?? 'it cannot run here';
      return error(reply, 400, 'SIEM_API_RULE_CANNOT_RUN', `The rule cannot run on this deployment's events: ${reason}.`);
    }
    const window = await events({ tenant: callerTenant(request), from, to, size: RULE_TEST_MAX_EVENTS });
    const matched = window.filter((hit) => compiled.match(hit.event).length > 0);
    return {
      scanned: window.length,
      // The range held more events than one dry run reads: only the newest were tried.
      truncated: window.length >= RULE_TEST_MAX_EVENTS,
      total: matched.length,
      events: matched.slice(0, limit),
      tookMs: Math.round(performance.now() - began),
    };
  });
};

/** Create and replace take the rule's JSON text as sent, so that libs/rules reports bad JSON and size with its own codes. */
async function rawRuleRoutes(app: FastifyInstance, { detection }: { detection: DetectionStore }): Promise<void> {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: RULE_BODY_LIMIT }, (_request, body, done) => done(null, body));

  const parse = (reply: FastifyReply, body: unknown): Rule | CorrelationRule | ScheduledRule | undefined => {
    try {
      const text = typeof body === 'string' ? body : '';
      // A correlation is the same family of document with a `correlation` section instead of a detection; the alerting scheduler runs it.
      const kind = documentKind(text);
      const rule = kind === 'correlation' ? validateCorrelationRule(text) : kind === 'scheduled' ? validateScheduledRule(text) : validateRule(text);
      // A rule whose actions could never be sent is refused now, not found out at its first alert.
      validateActions((rule as { actions?: unknown }).actions);
      return rule;
    } catch (failure) {
      if (failure instanceof RuleValidationError) {
        invalidRule(reply, failure);
        return undefined;
      }
      if (failure instanceof ActionError) {
        error(reply, 400, failure.code, failure.message);
        return undefined;
      }
      throw failure;
    }
  };

  app.post('/rules', { config: { permission: 'rules:write' }, bodyLimit: RULE_BODY_LIMIT }, async (request, reply) => {
    const rule = parse(reply, request.body);
    if (!rule) return reply;
    if (await detection.getRule(rule.id)) {
      return error(reply, 409, 'SIEM_API_RULE_EXISTS', `A rule with the id ${rule.id} exists; change it with PUT /api/v1/rules/${rule.id}.`);
    }
    const [saved] = await detection.saveRules([rule as unknown as RuleDocument]);
    return reply.code(201).send(view(saved!.stored));
  });

  app.put<{ Params: RuleIdParams }>('/rules/:id', { config: { permission: 'rules:write' }, schema: { params: RuleIdParams }, bodyLimit: RULE_BODY_LIMIT }, async (request, reply) => {
    const rule = parse(reply, request.body);
    if (!rule) return reply;
    if (rule.id !== request.params.id) {
      return error(reply, 400, 'SIEM_API_RULE_ID_MISMATCH', `The rule's id ${rule.id} is not the id in the path (${request.params.id}); a rule keeps its id.`, { pointer: '/id' });
    }
    if (!(await detection.getRule(rule.id))) return notFound(reply, rule.id);
    const [saved] = await detection.saveRules([rule as unknown as RuleDocument]);
    return view(saved!.stored);
  });
}

/** Which family a rule document belongs to: a detection, or a `correlation` or `scheduled` section instead. */
function documentKind(text: string): 'correlation' | 'scheduled' | 'detection' {
  if (!text.includes('"correlation"') && !text.includes('"scheduled"')) return 'detection';
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || 'detection' in parsed) return 'detection';
    if ('correlation' in parsed) return 'correlation';
    return 'scheduled' in parsed ? 'scheduled' : 'detection';
  } catch {
    return 'detection';
  }
}
