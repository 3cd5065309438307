// DEVELOPMENT ONLY. Mints a staff token signed with the secret that embedded
// mode generated in DATA_DIR, so a developer can try staff sign-in without a
// workspace. Production deployments verify the workspace's own tokens
// (JWKS_URL or JWT_SECRET) and never use this.
//
//   npm run dev:token -- --name "Иван Петров" [--sub ivan] [--role admin] [--office minfin] [--hours 8]
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import { loadOrCreateSecrets } from './secrets.js';

const { values } = parseArgs({
  options: {
    name: { type: 'string' },
    sub: { type: 'string' },
    role: { type: 'string', default: 'staff' },
    office: { type: 'string' },
    hours: { type: 'string', default: '8' },
  },
});

if (process.env['VECHE_MODE'] === 'production' || process.env['JWKS_URL']) {
  console.error('dev:token is for embedded mode only; production tokens come from the workspace.');
  process.exit(2);
}
if (!values.name || (values.role !== 'staff' && values.role !== 'admin')) {
  console.error(
    'usage: npm run dev:token -- --name "Full Name" [--sub id] [--role staff|admin] [--office id] [--hours 8]',
  );
  process.exit(2);
}
const hours = Number(values.hours);
if (!(hours > 0 && hours <= 24)) {
  console.error('--hours must be between 0 and 24');
  process.exit(2);
}

// Signed with the key the server checks: the operator's JWT_SECRET when given.
const secrets = await loadOrCreateSecrets(process.env['DATA_DIR'] ?? './data', {
  jwtSecret: process.env['JWT_SECRET']?.trim() || undefined,
});
const token = await new SignJWT({
  name: values.name,
  role: values.role,
  ...(values.office ? { office: values.office } : {}),
})
  .setProtectedHeader({ alg: 'HS256' })
  .setSubject(values.sub ?? values.name.toLowerCase().replace(/\s+/g, '.'))
  .setAudience(process.env['JWT_AUDIENCE'] ?? 'veche')
  .setIssuedAt()
  .setExpirationTime(`${hours}h`)
  .sign(secrets.jwtSecret);

console.error('DEVELOPMENT ONLY: a staff token for embedded mode. Open the room as');
console.error('  http://localhost:3000/r/<room>#token=<the token below>');
console.log(token);
