// Bookings (a one-off booking or a recurring series), their occurrences as
// rows, and invitations. The database itself refuses two confirmed
// occurrences of one room that overlap: the EXCLUDE constraint covers every
// occurrence of every series, whatever the application checked before.
export default /* sql */ `
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE bookings (
  id          uuid PRIMARY KEY,
  room_id     uuid NOT NULL REFERENCES rooms (id),
  organiser   text NOT NULL REFERENCES users (subject),
  title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '',
  -- The organiser's IANA zone: for display, ICS and recurrence expansion.
  time_zone   text NOT NULL,
  -- DTSTART/DTEND of the (first) occurrence as the organiser set them.
  starts_at   timestamptz NOT NULL,
  ends_at     timestamptz NOT NULL,
  -- RRULE without DTSTART, UNTIL normalised to UTC; NULL for a one-off booking.
  rrule       text,
  -- Occurrence starts the organiser excluded (EXDATE), ISO instants.
  exdates     jsonb NOT NULL DEFAULT '[]',
  status      text NOT NULL DEFAULT 'confirmed' CHECK (status IN ('confirmed', 'cancelled')),
  -- ICS SEQUENCE: grows on every change of the booking or one of its occurrences.
  sequence    integer NOT NULL DEFAULT 0,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_at > starts_at)
);
CREATE INDEX bookings_room_idx ON bookings (room_id);

CREATE TABLE booking_occurrences (
  id             uuid PRIMARY KEY,
  booking_id     uuid NOT NULL REFERENCES bookings (id),
  room_id        uuid NOT NULL REFERENCES rooms (id),
  -- The start the rule gave it (ICS RECURRENCE-ID), kept when it is moved.
  original_start timestamptz NOT NULL,
  starts_at      timestamptz NOT NULL,
  ends_at        timestamptz NOT NULL,
  during         tstzrange GENERATED ALWAYS AS (tstzrange(starts_at, ends_at, '[)')) STORED,
  -- Moved away from what the rule says (an ICS override).
  modified       boolean NOT NULL DEFAULT false,
  status         text NOT NULL DEFAULT 'confirmed' CHECK (status IN ('confirmed', 'cancelled')),
  CHECK (ends_at > starts_at),
  UNIQUE (booking_id, original_start),
  CONSTRAINT booking_occurrences_no_overlap
    EXCLUDE USING gist (room_id WITH =, during WITH &&) WHERE (status = 'confirmed')
);
CREATE INDEX booking_occurrences_booking_idx ON booking_occurrences (booking_id);

CREATE TABLE invitations (
  id         uuid PRIMARY KEY,
  booking_id uuid NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
  -- A staff member (JWT subject), an e-mail address, or both.
  subject    text,
  email      text,
  name       text,
  role       text NOT NULL CHECK (role IN ('attendee', 'cohost')),
  CHECK (subject IS NOT NULL OR email IS NOT NULL)
);
CREATE INDEX invitations_booking_idx ON invitations (booking_id);
CREATE INDEX invitations_subject_idx ON invitations (subject);
`;
