// The base subject of RFC 5256 §2.1, which SORT (SUBJECT) and both THREAD algorithms compare:
// the subject without reply and forward markers ("Re:", "Fwd:", "[list] Re:", "(fwd)",
// "[Fwd: …]") and with whitespace collapsed. Pure. The stored subject already has its
// RFC 2047 encoded words decoded (step 1's first half), so this starts from text.

export interface BaseSubject {
  /** The base subject, case kept (comparisons fold case themselves). */
  base: string;
  /**
   * Whether extraction removed a reply or forward marker (subj-refwd, "(fwd)", "[fwd: …]"):
   * THREAD=REFERENCES (§4 step 5) prefers the original over a reply when merging by subject.
   */
  replyOrForward: boolean;
}

/** subj-leader's first form, *subj-blob subj-refwd: "[list] Re:", "Fwd[2]:", "re :". */
const REFWD_LEADER = /^(?:\[[^[\]]*\] *)*(?:re|fwd?) *(?:\[[^[\]]*\] *)?:/i;
/** subj-blob: "[" *BLOBCHAR "]" *WSP. */
const BLOB = /^\[[^[\]]*\] */;
const FWD_TRAILER = "(fwd)";
const FWD_HEADER = "[fwd:";

/** Step 2: every subj-trailer ("(fwd)" or a space) at the end. */
function removeTrailers(text: string, found: { replyOrForward: boolean }): string {
  for (;;) {
    if (text.endsWith(" ")) text = text.trimEnd();
    else if (text.length >= FWD_TRAILER.length && text.slice(-FWD_TRAILER.length).toLowerCase() === FWD_TRAILER) {
      text = text.slice(0, -FWD_TRAILER.length);
      found.replyOrForward = true;
    } else return text;
  }
}

/** Steps 3 to 5: leaders ("Re:", a space) and blobs ("[list] ") at the front, as long as one of them is there. */
function removeLeaders(text: string, found: { replyOrForward: boolean }): string {
  for (;;) {
    const before = text;
    // Step 3: all subj-leader text.
    for (;;) {
      if (text.startsWith(" ")) {
        text = text.trimStart();
        continue;
      }
      const refwd = REFWD_LEADER.exec(text);
      if (!refwd) break;
      text = text.slice(refwd[0].length);
      found.replyOrForward = true;
    }
    // Step 4: a subj-blob, unless it is all that is left (then it is the subject).
    const blob = BLOB.exec(text);
    if (blob && blob[0].length < text.length) text = text.slice(blob[0].length);
    if (text === before) return text;
  }
}

export function baseSubject(subject: string): BaseSubject {
  const found = { replyOrForward: false };
  // Step 1: tabs and line breaks become spaces, runs of spaces one space.
  let text = subject.replace(/[\t\r\n ]+/g, " ");
  for (;;) {
    text = removeLeaders(removeTrailers(text, found), found);
    // Step 6: "[fwd: subject]" is the forwarded subject; take it apart and start again.
    if (text.length > FWD_HEADER.length && text.slice(0, FWD_HEADER.length).toLowerCase() === FWD_HEADER && text.endsWith("]")) {
      text = text.slice(FWD_HEADER.length, -1);
      found.replyOrForward = true;
      continue;
    }
    return { base: text, replyOrForward: found.replyOrForward };
  }
}
