// The ids live in libs/bus, where `siem replay` computes the same ones.
export { envelopeRecordId, eventId } from '@siem/bus';
