// The FETCH layer of the IMAP server: pure functions from the stored analysis and the message
// bytes to FETCH response items. The session and commands/fetch.ts import from here.
export {
  FetchAttributeError,
  formatSection,
  needsMessageBytes,
  needsStructure,
  parseFetchAttribute,
  parseFetchAttributes,
  parseSection,
  responseName,
  rfc822Section,
  setsSeen,
  type BodySectionAttribute,
  type ByteRange,
  type FetchAttribute,
  type Section,
  type SectionText,
  type SimpleAttribute,
  type SimpleAttributeName,
} from "./attributes";
export { renderEnvelope } from "./envelope";
export { renderBodyStructure } from "./bodystructure";
export { applyPartial, extractSection, fetchSection, findPart, selectHeaderFields } from "./sections";
export { formatInternalDate, renderFetchItem, renderFetchResponse, type FetchMessage } from "./response";
