import { NextResponse, type NextRequest } from "next/server";
import { deleteDraft, readDraft } from "@/lib/user-agent/compose/drafts";
import { saveDraft } from "@/lib/user-agent/compose/send";
import { jsonError, uidParameter, withImapSession } from "@/lib/web/mail-route";
import { isSameOrigin } from "@/lib/web/same-origin";
import { composeError, readOutgoingForm } from "../outgoing";

const NO_STORE = { headers: { "cache-control": "private, no-store" } };

/** Saves the composer's message to Drafts (the form of readOutgoingForm), replacing the version named by `draft`. */
export async function POST(request: Request) {
  const form = await readOutgoingForm(request, true);
  if (form instanceof Response) return form;
  return withImapSession(async (session) => {
    try {
      return NextResponse.json(await saveDraft(session, form.message, form.uploads), NO_STORE);
    } catch (error) {
      return composeError(error);
    }
  });
}

/** A draft of the Drafts folder (uid=…), for the composer to continue. */
export function GET(request: NextRequest) {
  const uid = uidParameter(request.nextUrl.searchParams.get("uid"));
  if (uid === null) return jsonError(400, "Give uid=….");
  return withImapSession(async (session) => {
    try {
      const draft = await readDraft(session, uid);
      return draft ? NextResponse.json(draft, NO_STORE) : jsonError(404, "This draft is no longer in Drafts.");
    } catch (error) {
      return composeError(error);
    }
  });
}

/** Discards a draft (uid=…). */
export function DELETE(request: NextRequest) {
  if (!isSameOrigin(request.headers)) return jsonError(403, "Cross-site request refused.");
  const uid = uidParameter(request.nextUrl.searchParams.get("uid"));
  if (uid === null) return jsonError(400, "Give uid=….");
  return withImapSession(async (session) => {
    try {
      await deleteDraft(session, uid);
      return NextResponse.json({ ok: true }, NO_STORE);
    } catch (error) {
      return composeError(error);
    }
  });
}
