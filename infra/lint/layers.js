// The import layers of contracts.md ("Layers") as a lint rule. Every relative
// import is resolved against the importing file before it is judged, so
// web/src/signaling/ (the client's own socket code) is told apart from the
// server's signaling/: a pattern on the written specifier could not do that.
//
//   sfu/api/            imports nothing of ours but itself, no Node-only module
//   sfu/                never signaling/ or web/
//   signaling/protocol/ only itself and sfu/api/, no Node-only module
//   signaling/          sfu/ only through sfu/api/, never web/; a composition
//                       root (signaling/main.ts, signaling/compose*.ts,
//                       signaling/composition/) may construct sfu/index.js, sfu/core/
//   web/                only itself and signaling/protocol/, no Node-only module
//                       (web/vite.config.ts is build tooling and runs in Node)
import { builtinModules } from 'node:module';
import path from 'node:path';

const builtins = new Set(builtinModules);

/** Whether a bare specifier names a Node built-in (`node:fs`, `fs`, `fs/promises`). */
function isNodeBuiltin(specifier) {
  if (specifier.startsWith('node:')) return true;
  return builtins.has(specifier) || builtins.has(specifier.split('/')[0]);
}

/** A root-relative path with forward slashes, or null when outside the root. */
function relativeToRoot(root, file) {
  const rel = path.relative(root, file);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return null;
  return rel.split(path.sep).join('/');
}

const under = (rel, folder) => rel === folder || rel.startsWith(`${folder}/`);

/** The layer a root-relative path belongs to; null for test/, infra/ and other tooling. */
export function layerOf(rel) {
  if (under(rel, 'sfu/api')) return 'sfu/api';
  if (under(rel, 'sfu')) return 'sfu';
  if (under(rel, 'signaling/protocol')) return 'signaling/protocol';
  if (
    rel === 'signaling/main.ts' ||
    /^signaling\/compose[^/]*\.tsx?$/.test(rel) ||
    under(rel, 'signaling/composition')
  )
    return 'composition root';
  if (under(rel, 'signaling')) return 'signaling';
  if (rel === 'web/vite.config.ts') return 'web tooling';
  if (under(rel, 'web')) return 'web';
  return null;
}

/**
 * What a layer may import of ours (root-relative targets). Returns a reason
 * string when the import is refused, undefined when allowed.
 */
function refusal(layer, target) {
  const inSfuApi = under(target, 'sfu/api');
  const inSfu = under(target, 'sfu');
  const inProtocol = under(target, 'signaling/protocol');
  const inSignaling = under(target, 'signaling');
  const inWeb = under(target, 'web');
  switch (layer) {
    case 'sfu/api':
      return inSfuApi ? undefined : 'sfu/api/ imports nothing of ours but sfu/api/';
    case 'sfu':
      return inSignaling || inWeb ? 'sfu/ never imports signaling/ or web/' : undefined;
    case 'signaling/protocol':
      return inProtocol || inSfuApi
        ? undefined
        : 'signaling/protocol/ (the client contract) imports only itself and sfu/api/';
    case 'signaling':
      if (inWeb) return 'signaling/ never imports web/';
      if (inSfu && !inSfuApi)
        return 'signaling/ reaches the SFU only through sfu/api/; only a composition root (signaling/main.ts, signaling/compose*.ts, signaling/composition/) constructs it';
      return undefined;
    case 'composition root':
      return inWeb ? 'signaling/ never imports web/' : undefined;
    case 'web':
    case 'web tooling':
      return inWeb || inProtocol
        ? undefined
        : 'web/ imports only web/ and signaling/protocol/ (the client contract)';
    default:
      return undefined;
  }
}

const noNodeModules = new Set(['sfu/api', 'signaling/protocol', 'web']);

const importsRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports follow the layers of contracts.md, judged on resolved paths' },
    schema: [
      {
        type: 'object',
        properties: { root: { type: 'string' } },
        required: ['root'],
        additionalProperties: false,
      },
    ],
    messages: {
      crossesLayer: '{{layer}} may not import {{target}}: {{reason}}.',
      nodeModule:
        '{{layer}} may not import the Node-only module "{{specifier}}": it runs in the browser too.',
    },
  },
  create(context) {
    const root = path.resolve(context.options[0].root);
    const file = context.physicalFilename ?? context.filename;
    const from = relativeToRoot(root, file);
    const layer = from === null ? null : layerOf(from);
    if (layer === null) return {};

    function check(node, source) {
      if (!source || typeof source.value !== 'string') return;
      const specifier = source.value;
      if (specifier.startsWith('.') || specifier.startsWith('/')) {
        const target = relativeToRoot(root, path.resolve(path.dirname(file), specifier));
        const shown = target ?? path.resolve(path.dirname(file), specifier);
        const reason =
          target === null ? `${layer} imports nothing outside the project` : refusal(layer, target);
        if (reason) {
          context.report({
            node: source,
            messageId: 'crossesLayer',
            data: { layer: `${from} (${layer})`, target: shown, reason },
          });
        }
      } else if (noNodeModules.has(layer) && isNodeBuiltin(specifier)) {
        context.report({
          node: source,
          messageId: 'nodeModule',
          data: { layer: `${from} (${layer})`, specifier },
        });
      }
    }

    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source.type === 'Literal' ? node.source : null),
      TSImportType: (node) => {
        // `import('…').T` in a type position (typescript-eslint 8: argument is a literal type).
        const arg = node.argument;
        check(node, arg?.type === 'TSLiteralType' ? arg.literal : arg);
      },
    };
  },
};

export default {
  meta: { name: 'veche-layers' },
  rules: { imports: importsRule },
};
