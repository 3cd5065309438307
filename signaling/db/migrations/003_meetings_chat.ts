// Meetings (each actual session of a room) with who was there, and chat.
export default /* sql */ `
CREATE TABLE meetings (
  id                uuid PRIMARY KEY,
  -- Ad-hoc rooms have no row in rooms; the slug is what people joined.
  room_slug         text NOT NULL,
  room_id           uuid REFERENCES rooms (id),
  occurrence_id     uuid REFERENCES booking_occurrences (id) ON DELETE SET NULL,
  started_at        timestamptz NOT NULL,
  ended_at          timestamptz,
  peak_participants integer NOT NULL DEFAULT 0
);
CREATE INDEX meetings_room_slug_idx ON meetings (room_slug, started_at);
CREATE INDEX meetings_room_idx ON meetings (room_id, started_at);

CREATE TABLE meeting_participants (
  id           uuid PRIMARY KEY,
  meeting_id   uuid NOT NULL REFERENCES meetings (id),
  peer_id      text NOT NULL,
  -- Staff subject, guest:<inviteId> or anon:<peerId>.
  user_key     text NOT NULL,
  display_name text NOT NULL,
  joined_at    timestamptz NOT NULL,
  left_at      timestamptz
);
CREATE INDEX meeting_participants_meeting_idx ON meeting_participants (meeting_id, peer_id);

CREATE TABLE chat_messages (
  id      text PRIMARY KEY,
  room    text NOT NULL,
  from_id text NOT NULL,
  from_name text NOT NULL,
  to_id   text,
  body    text NOT NULL,
  sent_at timestamptz NOT NULL
);
CREATE INDEX chat_messages_room_sent_idx ON chat_messages (room, sent_at);
`;
