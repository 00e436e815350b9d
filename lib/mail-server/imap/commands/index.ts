// Every IMAP command, with the states it is allowed in (RFC 3501 §6).
import type { ImapCommand } from "../protocol";
import type { ImapSession, ImapState } from "../session";
import { capability, noop, logout, id, enable } from "./any-state";
import { starttls, login, authenticate } from "./authenticate";
import { select, examine, create, deleteMailbox, rename, subscribe, unsubscribe, list, lsub, status, namespace } from "./mailboxes";
import { append } from "./append";
import { getQuota, getQuotaRoot, setQuota } from "./quota";
import { check, close, unselect, expunge, uidExpunge } from "./expunge";
import { copy, move, uidCopy, uidMove } from "./copy";
import { idle } from "./idle";
import { compress } from "./compress";
import { fetch, uidFetch } from "./fetch";
import { store, uidStore } from "./store";
import { search, uidSearch } from "./search";
import { sort, uidSort } from "./sort";
import { thread, uidThread } from "./thread";

export interface CommandHandler {
  states: readonly ImapState[];
  run(session: ImapSession, command: ImapCommand): Promise<void>;
}

const ANY: ImapState[] = ["not-authenticated", "authenticated", "selected"];
const UNAUTHENTICATED: ImapState[] = ["not-authenticated"];
const AUTHENTICATED: ImapState[] = ["authenticated", "selected"];
const SELECTED: ImapState[] = ["selected"];

const on = (states: readonly ImapState[], run: CommandHandler["run"]): CommandHandler => ({ states, run });

export const COMMANDS: Record<string, CommandHandler> = {
  CAPABILITY: on(ANY, capability),
  NOOP: on(ANY, noop),
  LOGOUT: on(ANY, logout),
  ID: on(ANY, id),
  ENABLE: on(AUTHENTICATED, enable),
  STARTTLS: on(UNAUTHENTICATED, starttls),
  LOGIN: on(UNAUTHENTICATED, login),
  AUTHENTICATE: on(UNAUTHENTICATED, authenticate),
  SELECT: on(AUTHENTICATED, select),
  EXAMINE: on(AUTHENTICATED, examine),
  CREATE: on(AUTHENTICATED, create),
  DELETE: on(AUTHENTICATED, deleteMailbox),
  RENAME: on(AUTHENTICATED, rename),
  SUBSCRIBE: on(AUTHENTICATED, subscribe),
  UNSUBSCRIBE: on(AUTHENTICATED, unsubscribe),
  LIST: on(AUTHENTICATED, list),
  LSUB: on(AUTHENTICATED, lsub),
  STATUS: on(AUTHENTICATED, status),
  NAMESPACE: on(AUTHENTICATED, namespace),
  GETQUOTAROOT: on(AUTHENTICATED, getQuotaRoot),
  GETQUOTA: on(AUTHENTICATED, getQuota),
  SETQUOTA: on(AUTHENTICATED, setQuota),
  APPEND: on(AUTHENTICATED, append),
  IDLE: on(AUTHENTICATED, idle),
  COMPRESS: on(AUTHENTICATED, compress),
  CHECK: on(SELECTED, check),
  CLOSE: on(SELECTED, close),
  UNSELECT: on(SELECTED, unselect),
  EXPUNGE: on(SELECTED, expunge),
  "UID EXPUNGE": on(SELECTED, uidExpunge),
  FETCH: on(SELECTED, fetch),
  "UID FETCH": on(SELECTED, uidFetch),
  SEARCH: on(SELECTED, search),
  "UID SEARCH": on(SELECTED, uidSearch),
  SORT: on(SELECTED, sort),
  "UID SORT": on(SELECTED, uidSort),
  THREAD: on(SELECTED, thread),
  "UID THREAD": on(SELECTED, uidThread),
  STORE: on(SELECTED, store),
  "UID STORE": on(SELECTED, uidStore),
  COPY: on(SELECTED, copy),
  "UID COPY": on(SELECTED, uidCopy),
  MOVE: on(SELECTED, move),
  "UID MOVE": on(SELECTED, uidMove),
};
