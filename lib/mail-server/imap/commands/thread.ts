// THREAD and UID THREAD (RFC 5256 §3): ORDEREDSUBJECT and REFERENCES over the messages the
// search criteria match, from one query of the columns delivery wrote (store threadKeys), kept
// between commands (search/key-cache.ts).
import { asAString, asAtom, untagged, ImapSyntaxError, type ImapCommand } from "../protocol";
import type { ImapSession } from "../session";
import type { ThreadKeys } from "../../store/message-ops";
import { inSessionView, parseCriteria } from "../search/criteria";
import { KeyCache } from "../search/key-cache";
import { checkCharset } from "../search/results";
import { formatThreads, orderedSubject, referencesThreads, type ThreadMessage, type ThreadNode } from "../search/thread";

const THREAD_KEYS = new KeyCache<ThreadKeys>((store, mailboxId, sinceUid) => store.messages.threadKeys(mailboxId, sinceUid));

export const THREAD_ALGORITHMS: Record<string, (messages: readonly ThreadMessage[]) => ThreadNode[]> = {
  ORDEREDSUBJECT: orderedSubject,
  REFERENCES: referencesThreads,
};

async function run(session: ImapSession, command: ImapCommand, byUid: boolean) {
  const selected = session.selected!;
  const tokens = [...command.args];
  const name = asAtom(tokens.shift()).toUpperCase();
  const algorithm = Object.hasOwn(THREAD_ALGORITHMS, name) ? THREAD_ALGORITHMS[name] : undefined;
  if (!algorithm) throw new ImapSyntaxError(`Unknown threading algorithm ${name.slice(0, 30)}`);
  checkCharset(asAString(tokens.shift()));
  const criteria = parseCriteria(tokens, session);
  const view = inSessionView(session, await THREAD_KEYS.rows(session.store, selected));
  const found = await criteria.filter(session, view);
  const threads = algorithm(
    found.map(({ message, seq }) => ({
      number: byUid ? message.uid : seq,
      seq,
      date: message.date,
      subject: message.subject,
      messageId: message.messageId,
      inReplyTo: message.inReplyTo,
      references: message.references,
    })),
  );
  session.write(untagged("THREAD", ...(threads.length ? [formatThreads(threads)] : [])));
  await session.finish(command.tag, "OK", "THREAD completed", undefined, { allowExpunge: byUid, withUid: byUid });
}

export const thread = (session: ImapSession, command: ImapCommand) => run(session, command, false);
export const uidThread = (session: ImapSession, command: ImapCommand) => run(session, command, true);
