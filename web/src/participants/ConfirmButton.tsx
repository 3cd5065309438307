// A button for something hard to undo: the first click asks, a second
// ("Yes, …", test id `<testId>-confirm`) does it; `<testId>-cancel` backs out.
import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';

export interface ConfirmButtonProps {
  testId: string;
  label: string;
  question: string;
  class?: string;
  onConfirm(): void;
}

export function ConfirmButton({
  testId,
  label,
  question,
  class: className,
  onConfirm,
}: ConfirmButtonProps) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" class={className} data-testid={testId} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <div class="confirm" role="group" aria-label={question}>
      <span class="confirm__question">{question}</span>
      <button
        type="button"
        class="button button--danger confirm__yes"
        data-testid={`${testId}-confirm`}
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {t('confirm.yes')}
      </button>
      <button
        type="button"
        class="button"
        data-testid={`${testId}-cancel`}
        onClick={() => setAsking(false)}
      >
        {t('confirm.cancel')}
      </button>
    </div>
  );
}
