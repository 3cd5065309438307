// The OpenAPI 3 document, generated from the route table: the same zod
// schemas the handlers validate with, converted by z.toJSONSchema().
import { z } from 'zod';
import { errorBodySchema, statusOf, type ApiErrorCode } from './errors.js';
import type { Route } from './route.js';

type JsonSchema = Record<string, unknown>;

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io,
    unrepresentable: 'any',
    reused: 'inline',
  }) as JsonSchema;
  delete json.$schema;
  return json;
}

function parameters(schema: z.ZodType, where: 'path' | 'query') {
  const object = schemaOf(schema, 'input');
  const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((object.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(description === undefined ? {} : { description }),
      schema: rest,
    };
  });
}

const errorMessages: Record<ApiErrorCode, string> = {
  BAD_REQUEST: 'The request is invalid (details say where)',
  UNAUTHENTICATED: 'No valid bearer token',
  FORBIDDEN: 'The caller may not do this',
  NOT_FOUND: 'No such resource',
  CONFLICT: 'Conflicts with the current state (e.g. the room is already booked then)',
  PAYLOAD_TOO_LARGE: 'The body exceeds the limit',
  INTERNAL: 'Internal error',
};

function operation(route: Route) {
  const responses: Record<string, unknown> = {};
  for (const [status, spec] of Object.entries(route.responses)) {
    responses[status] = {
      description: spec.description,
      ...(spec.schema || spec.contentType
        ? {
            content: {
              [spec.contentType ?? 'application/json']: {
                schema: spec.schema ? schemaOf(spec.schema, 'output') : { type: 'string' },
              },
            },
          }
        : {}),
    };
  }
  const errors = new Set<ApiErrorCode>(['UNAUTHENTICATED', 'INTERNAL', ...route.errors]);
  if (route.body) errors.add('BAD_REQUEST').add('PAYLOAD_TOO_LARGE');
  for (const code of errors)
    responses[String(statusOf[code])] = {
      description: errorMessages[code],
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: schemaOf(route.body, 'input') } },
          },
        }
      : {}),
    responses,
  };
}

export function openApiDocument(routes: readonly Route[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const entry = (paths[route.path] ??= {});
    entry[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Veche API',
      version,
      description:
        'Rooms, bookings, invitations and meeting history. Every request carries the ' +
        "workspace's JWT as a bearer token. Errors are { error: { code, message, details? } }.",
    },
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Error: schemaOf(errorBodySchema, 'output') },
    },
    paths,
  };
}
