// A polite live region that tells screen-reader users who came, who left,
// whose hand went up and what was said in chat. It follows the room session's
// stores from outside the meeting's components.
import { useEffect, useState } from 'preact/hooks';
import { useSession } from '../meeting/sessionContext.js';
import { chatAnnouncements, roomAnnouncements } from './announcements.js';
import './a11y.css';

/** Recent lines stay a while so a reader that was busy can still find them. */
const KEEP_MS = 10_000;

interface Line {
  readonly id: number;
  readonly text: string;
}

export function Announcer() {
  const session = useSession();
  const [lines, setLines] = useState<readonly Line[]>([]);

  useEffect(() => {
    let next = 0;
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const say = (texts: readonly string[]) => {
      if (texts.length === 0) return;
      const added = texts.map((text) => ({ id: next++, text }));
      setLines((current) => [...current, ...added].slice(-5));
      const timer = setTimeout(() => {
        timers.delete(timer);
        setLines((current) => current.filter((line) => !added.includes(line)));
      }, KEEP_MS);
      timers.add(timer);
    };
    let room = session.store.get();
    let chat = session.chat.store.get().messages;
    /** The join reply's chat history comes right after it: not news. */
    let historyNext = false;
    const offRoom = session.store.subscribe((state) => {
      if (state.phase === 'joined' && room.phase !== 'joined') historyNext = true;
      say(roomAnnouncements(room, state));
      room = state;
    });
    const offChat = session.chat.store.subscribe(({ messages }) => {
      if (messages === chat) return;
      if (!historyNext) say(chatAnnouncements(chat, messages, room.self?.peerId));
      historyNext = false;
      chat = messages;
    });
    return () => {
      offRoom();
      offChat();
      for (const timer of timers) clearTimeout(timer);
    };
  }, [session]);

  return (
    <div class="visually-hidden" aria-live="polite" role="log" data-testid="announcer">
      {lines.map((line) => (
        <p key={line.id}>{line.text}</p>
      ))}
    </div>
  );
}
