// What we may do to one participant (see actions.ts), as a list of buttons.
import { t, type MessageKey } from '../i18n/index.js';
import {
  actionTestId,
  needsConfirmation,
  requestFor,
  type ActionTarget,
  type ParticipantAction,
} from './actions.js';
import { ConfirmButton } from './ConfirmButton.js';
import type { Perform } from './perform.js';

const labels: Readonly<Record<ParticipantAction, MessageKey>> = {
  mute: 'action.mute',
  stopVideo: 'action.stopVideo',
  askToUnmute: 'action.askToUnmute',
  lowerHand: 'action.lowerHand',
  makeCohost: 'action.makeCohost',
  removeCohost: 'action.removeCohost',
  makeHost: 'action.makeHost',
  remove: 'action.remove',
  ban: 'action.ban',
};

const questions: Partial<Record<ParticipantAction, MessageKey>> = {
  makeHost: 'action.makeHostQuestion',
  ban: 'action.banQuestion',
};

export interface ParticipantMenuProps {
  name: string;
  target: ActionTarget;
  actions: readonly ParticipantAction[];
  perform: Perform;
  onDone(): void;
}

export function ParticipantMenu({ name, target, actions, perform, onDone }: ParticipantMenuProps) {
  const run = (action: ParticipantAction) => {
    onDone();
    void perform(requestFor(action, target));
  };
  return (
    <div class="participant-menu" data-testid="participant-actions" role="group">
      {actions.map((action) => {
        const danger = action === 'remove' || action === 'ban';
        const className = `menu-item ${danger ? 'menu-item--danger' : ''}`;
        const question = questions[action];
        if (needsConfirmation(action) && question) {
          return (
            <ConfirmButton
              key={action}
              testId={actionTestId[action]}
              label={t(labels[action])}
              question={t(question, { name })}
              class={className}
              onConfirm={() => run(action)}
            />
          );
        }
        return (
          <button
            key={action}
            type="button"
            class={className}
            data-testid={actionTestId[action]}
            onClick={() => run(action)}
          >
            {t(labels[action])}
          </button>
        );
      })}
    </div>
  );
}
