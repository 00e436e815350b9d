// The MTA-STS policy (RFC 8461), served as /.well-known/mta-sts.txt (rewritten here in next.config.js)
// for senders that fetch it from https://mta-sts.<domain>/.
import { loadConfig } from "@/lib/config";
import { mtaStsPolicy } from "@/lib/mta-sts";

export async function GET() {
  return new Response(mtaStsPolicy(loadConfig()), { headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "public, max-age=3600" } });
}
