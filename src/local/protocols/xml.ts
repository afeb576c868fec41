/**
 * XML writing shared by the REST-XML (S3) and Query (IAM, STS, CloudWatch) protocols. A tiny
 * writer of our own rather than a general builder: responses are small, shapes are fixed, and
 * this keeps element order exactly as AWS writes it (SDK parsers do not care, humans diffing
 * against AWS do).
 */

export type XmlValue = string | number | boolean | Date | null | undefined | XmlNode | XmlValue[];
/** An element's children in order. An array value repeats the element once per item. */
export interface XmlNode {
  [name: string]: XmlValue;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#13;',
};

export function escapeXml(text: string): string {
  return text.replace(/[&<>"'\r]/g, (c) => ESCAPES[c]!);
}

function scalar(value: string | number | boolean | Date): string {
  // AWS writes timestamps in XML as ISO 8601 with milliseconds.
  return escapeXml(value instanceof Date ? value.toISOString() : String(value));
}

function element(name: string, value: XmlValue, out: string[]): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    for (const item of value) element(name, item, out);
    return;
  }
  if (typeof value === 'object' && !(value instanceof Date)) {
    out.push(`<${name}>`);
    for (const [child, v] of Object.entries(value)) element(child, v, out);
    out.push(`</${name}>`);
    return;
  }
  out.push(`<${name}>${scalar(value)}</${name}>`);
}

/** `<?xml …?><Root xmlns="ns">…</Root>` */
export function xmlDocument(root: string, body: XmlNode, xmlns?: string): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>', xmlns ? `<${root} xmlns="${xmlns}">` : `<${root}>`];
  for (const [name, value] of Object.entries(body)) element(name, value, out);
  out.push(`</${root}>`);
  return out.join('');
}
