// The IMAP wire format in one import: tokens and command reading, response encoding, mailbox
// name and sequence set syntax. Pure apart from reader.ts, which drives a CommandIO.
export * from "./tokens";
export * from "./reader";
export * from "./encoder";
export * from "./utf7";
export * from "./sequence";
