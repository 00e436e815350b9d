// Reads a request body without buffering more than `limit` bytes, so a huge body cannot exhaust memory.

export type JsonBody = { ok: true; value: unknown } | { ok: false; status: 400 | 413 | 415; error: string };

/** The body's bytes, or null when it is over `limit` (said by Content-Length or found while reading). */
export async function readLimitedBody(request: Request, limit: number): Promise<Buffer | null> {
  if (Number(request.headers.get("content-length") ?? 0) > limit) return null;
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      size += chunk.value.byteLength;
      if (size > limit) {
        await reader.cancel();
        return null;
      }
      chunks.push(chunk.value);
    }
  }
  return Buffer.concat(chunks);
}

export async function readJsonBody(request: Request, limit: number): Promise<JsonBody> {
  if (!/^application\/json\b/i.test(request.headers.get("content-type") ?? "")) {
    return { ok: false, status: 415, error: "Send the request as application/json." };
  }
  const bytes = await readLimitedBody(request, limit);
  if (bytes === null) return { ok: false, status: 413, error: "The request is too large." };
  try {
    return { ok: true, value: JSON.parse(bytes.toString("utf8")) };
  } catch {
    return { ok: false, status: 400, error: "The request body is not valid JSON." };
  }
}
