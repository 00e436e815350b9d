// ENVELOPE and BODYSTRUCTURE in wire form, kept per message content between commands, as
// Dovecot keeps them in its cache file: a content row never changes, so what was rendered once
// is right for good. A client showing a message list fetches the same page's envelopes again
// and again (the webmail at each page view); each would otherwise be a query, two JSON parses
// and a render.
import type { Envelope, MimePart } from "@/lib/mime/analyze";
import type { MailStore } from "../../store";
import { renderBodyStructure } from "./bodystructure";
import { renderEnvelope } from "./envelope";

export class RenderedContent {
  private envelopeWire: Buffer | null = null;
  private readonly structureWire: { body?: Buffer; bodystructure?: Buffer } = {};
  private parsedStructure: MimePart | null = null;

  constructor(
    readonly blobHash: string,
    private readonly envelopeJson: string,
    private readonly structureJson: string,
  ) {}

  /** What the entry costs in memory, roughly: the stored JSON, then what is rendered from it. */
  get weight(): number {
    return 2 * (this.envelopeJson.length + this.structureJson.length) + 256;
  }

  get structure(): MimePart {
    return (this.parsedStructure ??= JSON.parse(this.structureJson) as MimePart);
  }

  envelope(): Buffer {
    return (this.envelopeWire ??= renderEnvelope(JSON.parse(this.envelopeJson) as Envelope));
  }

  /** BODY (without extension data) or BODYSTRUCTURE (with it). */
  bodyStructure(extended: boolean): Buffer {
    const key = extended ? "bodystructure" : "body";
    return (this.structureWire[key] ??= renderBodyStructure(this.structure, extended));
  }
}

/** Some thousands of typical messages; a few huge structures push older entries out. */
const MAX_WEIGHT = 32 * 1024 * 1024;

class ContentCache {
  private readonly entries = new Map<number, RenderedContent>();
  private weight = 0;

  constructor(private readonly store: MailStore) {}

  async get(contentIds: readonly number[]): Promise<Map<number, RenderedContent>> {
    const out = new Map<number, RenderedContent>();
    const missing: number[] = [];
    for (const id of contentIds) {
      const entry = this.entries.get(id);
      if (!entry) {
        missing.push(id);
        continue;
      }
      // Most recently used last.
      this.entries.delete(id);
      this.entries.set(id, entry);
      out.set(id, entry);
    }
    if (missing.length) {
      for (const [id, row] of await this.store.messages.contents(missing)) {
        const entry = new RenderedContent(row.blobHash, row.envelope, row.bodyStructure);
        out.set(id, entry);
        this.add(id, entry);
      }
    }
    return out;
  }

  private add(id: number, entry: RenderedContent) {
    if (this.entries.has(id)) return;
    this.entries.set(id, entry);
    this.weight += entry.weight;
    for (const [oldId, old] of this.entries) {
      if (this.weight <= MAX_WEIGHT) break;
      this.entries.delete(oldId);
      this.weight -= old.weight;
    }
  }
}

const caches = new WeakMap<MailStore, ContentCache>();

/** The rendered contents of these content rows, from the cache or the store. */
export function renderedContents(store: MailStore, contentIds: readonly number[]): Promise<Map<number, RenderedContent>> {
  let cache = caches.get(store);
  if (!cache) caches.set(store, (cache = new ContentCache(store)));
  return cache.get(contentIds);
}
