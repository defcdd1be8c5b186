/**
 * The OpenAPI 3.1 document for /api/hub/, generated from the route table and its zod schemas (zod 4's own JSON
 * Schema output, which is the dialect OpenAPI 3.1 uses).
 */
import { z } from 'zod';
import { CAPABILITIES } from '../../services/hub/roles';
import { HUB_API_ROUTES, type ApiRoute } from './hubApi';
import { errorBody } from './hubSchemas';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function who(route: ApiRoute): string {
  if (route.access === 'public') return 'Anyone.';
  if (route.access === 'signed-in') return 'Any signed-in staff member.';
  return `Roles: ${CAPABILITIES[route.access].join(', ')}.`;
}

function parameters(route: ApiRoute): JsonSchema[] {
  const params: JsonSchema[] = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  if (route.query) {
    const schema = jsonSchema(route.query, 'input');
    const properties = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
    const required = new Set((schema['required'] ?? []) as string[]);
    for (const [name, property] of Object.entries(properties)) {
      params.push({ name, in: 'query', required: required.has(name), schema: property, ...(property['type'] === 'array' || 'anyOf' in property ? { explode: true } : {}) });
    }
  }
  return params;
}

const ERROR_RESPONSES: Record<string, string> = {
  '400': 'The query or body is not valid (details name each field).',
  '401': 'Not signed in.',
  '403': "The role cannot do this, or the CSRF token is missing or wrong.",
  '404': 'No such thing.',
  '409': 'Conflict: already claimed, a status move not allowed, or the referral changed since it was read.',
  '429': 'Too many sign-in attempts, or the account is locked.',
  '503': 'A channel this needs is not set up.',
};

export function hubOpenApiDocument(): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of HUB_API_ROUTES) {
    const operation: JsonSchema = {
      summary: route.summary,
      description: who(route),
      operationId: `${route.method}${route.path.replace(/^\/api\/hub/, '').replace(/[{}]/g, '').replace(/[/-](\w)/g, (_m, c: string) => c.toUpperCase())}`,
      parameters: parameters(route),
      ...(route.access !== 'public' && route.method !== 'get' ? { security: [{ session: [], csrf: [] }] } : route.access !== 'public' ? { security: [{ session: [] }] } : {}),
      responses: {
        [String(route.status ?? 200)]: {
          description: 'OK',
          content: route.path === '/api/hub/events'
            ? { 'text/event-stream': { schema: { type: 'string' } } }
            : { 'application/json': { schema: route.response ? jsonSchema(route.response, 'output') : { type: 'object' } } },
        },
        ...Object.fromEntries(
          Object.entries(ERROR_RESPONSES).map(([status, description]) => [status, { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }]),
        ),
      },
    };
    if (route.body) operation['requestBody'] = { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } };
    (paths[route.path] ??= {})[route.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Community hub staff API',
      version: '1.0.0',
      description:
        'The staff console API. Sign in with POST /api/hub/session (local accounts) or /hub/login/oidc; the session is an HTTP-only cookie. ' +
        'Every state-changing request must carry the session CSRF token in X-CSRF-Token. Every view and change is audited.',
    },
    paths,
    components: {
      schemas: { Error: jsonSchema(errorBody, 'output') },
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'hub_session', description: '__Host-hub_session over HTTPS.' },
        csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token' },
      },
    },
  };
}
