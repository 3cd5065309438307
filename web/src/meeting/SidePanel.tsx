// A panel beside the video grid (over it on small screens): chat or people.
import type { ComponentChildren } from 'preact';
import { t } from '../i18n/index.js';
import { CloseIcon } from './icons.js';

export interface SidePanelProps {
  testId: string;
  title: string;
  onClose(): void;
  children: ComponentChildren;
}

export function SidePanel({ testId, title, onClose, children }: SidePanelProps) {
  return (
    <aside class="side-panel" data-testid={testId} aria-label={title}>
      <header class="side-panel__header">
        <h2 class="side-panel__title">{title}</h2>
        <button
          type="button"
          class="icon-button"
          data-testid="panel-close"
          aria-label={t('panel.close')}
          title={t('panel.close')}
          onClick={onClose}
        >
          <CloseIcon />
        </button>
      </header>
      <div class="side-panel__body">{children}</div>
    </aside>
  );
}
