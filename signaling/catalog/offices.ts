// Organisations and their offices (organisational units named in JWTs).
import type { Queryable } from '../db/index.js';

export interface Organisation {
  id: string;
  name: string;
}

export interface Office {
  id: string;
  name: string;
  organisationId: string | null;
}

export async function putOrganisation(db: Queryable, org: Organisation): Promise<Organisation> {
  await db.query(
    `INSERT INTO organisations (id, name) VALUES ($1, $2)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name`,
    [org.id, org.name],
  );
  return org;
}

export async function listOrganisations(db: Queryable): Promise<Organisation[]> {
  const { rows } = await db.query<{ id: string; name: string }>(
    'SELECT id, name FROM organisations ORDER BY id',
  );
  return rows;
}

export async function organisationExists(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM organisations WHERE id = $1', [id]);
  return rowCount > 0;
}

type OfficeRow = { id: string; name: string; organisation_id: string | null };
const toOffice = (r: OfficeRow): Office => ({
  id: r.id,
  name: r.name,
  organisationId: r.organisation_id,
});

export async function putOffice(db: Queryable, office: Office): Promise<Office> {
  await db.query(
    `INSERT INTO offices (id, name, organisation_id) VALUES ($1, $2, $3)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, organisation_id = excluded.organisation_id`,
    [office.id, office.name, office.organisationId],
  );
  return office;
}

export async function getOffice(db: Queryable, id: string): Promise<Office | undefined> {
  const { rows } = await db.query<OfficeRow>(
    'SELECT id, name, organisation_id FROM offices WHERE id = $1',
    [id],
  );
  return rows[0] && toOffice(rows[0]);
}

export async function listOffices(db: Queryable): Promise<Office[]> {
  const { rows } = await db.query<OfficeRow>(
    'SELECT id, name, organisation_id FROM offices ORDER BY id',
  );
  return rows.map(toOffice);
}
