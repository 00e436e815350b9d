// Outlook's Autodiscover (POX): POST with the request XML; GET with ?emailaddress= for clients and
// people that ask that way. Public like the autoconfig file; /Autodiscover/Autodiscover.xml, Outlook's
// own spelling, is rewritten here in next.config.js. Nothing changes state, so no same-origin check.
import { autodiscoverError, autodiscoverResponse, MAX_REQUEST_BYTES, parseAutodiscoverRequest } from "@/lib/web/client-config/autodiscover";
import { clientConfigFor, xmlResponse } from "@/lib/web/client-config/for-request";
import { normalizeAddress } from "@/lib/web/client-config/settings";
import { readLimitedBody } from "@/lib/web/json-body";

function answer(address: string): Response {
  const { settings, displayName } = clientConfigFor(address);
  return xmlResponse(autodiscoverResponse(settings, displayName));
}

export async function POST(request: Request) {
  const body = await readLimitedBody(request, MAX_REQUEST_BYTES);
  if (body === null) return xmlResponse(autodiscoverError(600, "The request is too large."), 413);
  const parsed = parseAutodiscoverRequest(body.toString("utf8"));
  // 601 (schema not provided) is an answer Outlook understands, so it comes with 200.
  if (!parsed.ok) return xmlResponse(autodiscoverError(parsed.code, parsed.message), parsed.code === 600 ? 400 : 200);
  return answer(parsed.address);
}

export async function GET(request: Request) {
  const params = new URL(request.url).searchParams;
  const address = normalizeAddress(params.get("emailaddress") ?? params.get("email"));
  if (!address) return xmlResponse(autodiscoverError(600, "Give ?emailaddress= or POST an Autodiscover request."), 400);
  return answer(address);
}
