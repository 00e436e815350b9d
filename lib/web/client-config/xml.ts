// XML out through one maintained builder, which escapes every text and attribute value: an address or
// host name can never add markup to what a client reads.
import { XMLBuilder } from "fast-xml-parser";

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@", format: true, suppressEmptyNode: true });

/** A document from a tree of objects: keys starting with "@" are attributes, arrays repeat an element. */
export function xmlDocument(root: Record<string, unknown>): string {
  return builder.build({ "?xml": { "@version": "1.0", "@encoding": "UTF-8" }, ...root });
}
