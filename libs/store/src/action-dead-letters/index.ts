export type { ActionDeadLetter, ActionDeadLetterPage, ActionDeadLetterStore } from './types';
export { EmbeddedActionDeadLetterStore } from './embedded-action-dead-letters';
export { OpenSearchActionDeadLetterStore, type OpenSearchActionDeadLetterOptions } from './opensearch-action-dead-letters';
export { createActionDeadLetterStore } from './create-action-dead-letter-store';
