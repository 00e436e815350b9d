import { NextResponse } from "next/server";
import { loadConfig } from "@/lib/config";
import { SourceGoneError, TooLargeError } from "@/lib/user-agent/compose/original";
import { sendMessage } from "@/lib/user-agent/compose/send";
import { getSignedInUser } from "@/lib/web/auth/session";
import { jsonError, withImapSession } from "@/lib/web/mail-route";
import { isSameOrigin } from "@/lib/web/same-origin";
import { parseOutgoing } from "../outgoing";

// Room for the form's own bytes (boundaries, part headers, the JSON) beside the attachments.
const FORM_OVERHEAD = 1024 * 1024;

/**
 * Sends a message: multipart/form-data with the message as JSON in `message` and each new attachment as
 * an `attachment` file. Answers a SendResult; a refused submission is 200 with ok: false (the message was
 * kept in Drafts), since the request itself did what it could.
 */
export async function POST(request: Request) {
  if (!isSameOrigin(request.headers)) return jsonError(403, "Cross-site request refused.");
  if (!/^multipart\/form-data\b/i.test(request.headers.get("content-type") ?? "")) return jsonError(415, "Send the message as multipart/form-data.");
  const config = loadConfig();
  const length = Number(request.headers.get("content-length") ?? Number.NaN);
  // formData() reads the whole body: only once its size is known and within the limit.
  if (!Number.isSafeInteger(length)) return jsonError(411, "The request needs a Content-Length.");
  if (length > config.maxMessageSize + FORM_OVERHEAD) return jsonError(413, `The message is larger than the ${config.maxMessageSize} bytes the server accepts.`);
  const form = await request.formData().catch(() => null);
  const json = form?.get("message");
  if (!form || typeof json !== "string") return jsonError(400, "The form needs a message field.");
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return jsonError(400, "The message field is not valid JSON.");
  }
  const message = parseOutgoing(value, { bodyBytes: config.maxMessageSize, recipients: config.smtp.maxRecipients });
  if (typeof message === "string") return jsonError(400, message);
  const files = form.getAll("attachment").filter((entry): entry is File => typeof entry !== "string");
  const uploads = await Promise.all(
    files.map(async (file) => ({ filename: file.name || "attachment", contentType: file.type || "application/octet-stream", content: Buffer.from(await file.arrayBuffer()) })),
  );
  return withImapSession(async (session) => {
    const user = await getSignedInUser();
    if (!user) return jsonError(401, "Sign in first.");
    try {
      return NextResponse.json(await sendMessage(session, user.password, message, uploads), { headers: { "cache-control": "no-store" } });
    } catch (error) {
      if (error instanceof SourceGoneError) return jsonError(409, "The message you are answering is no longer in its folder.");
      if (error instanceof TooLargeError) return jsonError(413, `The message with its attachments is larger than the ${error.limit} bytes the server accepts.`);
      throw error;
    }
  });
}
