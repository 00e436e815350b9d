import { NextResponse } from "next/server";
import { sendMessage } from "@/lib/user-agent/compose/send";
import { getSignedInUser } from "@/lib/web/auth/session";
import { jsonError, withImapSession } from "@/lib/web/mail-route";
import { composeError, readOutgoingForm } from "../outgoing";

/**
 * Sends a message (the form of readOutgoingForm). Answers a SendResult; a refused submission is 200 with
 * ok: false (the message was kept in Drafts), since the request itself did what it could.
 */
export async function POST(request: Request) {
  const form = await readOutgoingForm(request, false);
  if (form instanceof Response) return form;
  return withImapSession(async (session) => {
    const user = await getSignedInUser();
    if (!user) return jsonError(401, "Sign in first.");
    try {
      return NextResponse.json(await sendMessage(session, user.password, form.message, form.uploads), { headers: { "cache-control": "no-store" } });
    } catch (error) {
      return composeError(error);
    }
  });
}
