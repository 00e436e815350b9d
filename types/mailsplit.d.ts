// The parts of mailsplit's API this project uses (the package ships no types).
declare module "mailsplit" {
  import { Transform } from "node:stream";

  export interface MailsplitHeaders {
    get(key: string): string[];
    getFirst(key: string): string;
    getList(): { key: string; line: string }[];
  }

  export interface MailsplitNode {
    type: "node";
    root: boolean;
    parentNode: MailsplitNode | undefined;
    headers: MailsplitHeaders;
    contentType: string | false;
    multipart: string | false;
    encoding: string | false;
    charset: string | false;
    disposition: string | false;
    filename: string | false;
    rfc822: boolean;
    flowed: boolean;
    delSp: boolean;
    partNr: (number | string)[];
    _headerlen: number;
    _parsedContentType: { value: string; params: Record<string, string> };
    _parsedContentDisposition: { value: string; params: Record<string, string> };
    getHeaders(): Buffer;
    getDecoder(): Transform;
  }

  export interface MailsplitChunk {
    type: "data" | "body";
    value: Buffer;
  }

  export class Splitter extends Transform {
    constructor(options?: { ignoreEmbedded?: boolean; maxHeadSize?: number });
  }
}
