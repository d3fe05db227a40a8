export { SenderIdSchema, SenderKindSchema, SenderMetadataSchema, senderKey, type Sender, type SenderKind, type SenderMetadata, type SenderStore, type UnknownSender } from './sender';
export { EmbeddedSenderStore } from './embedded-sender-store';
export { OpenSearchSenderStore } from './opensearch-sender-store';
export { SenderJoin, applySender, sendersOf, type SenderJoinOptions } from './sender-join';
