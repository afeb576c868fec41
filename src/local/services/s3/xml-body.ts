/**
 * Request bodies in XML (CreateBucketConfiguration, Delete, CompleteMultipartUpload), read with
 * fast-xml-parser. Values stay strings exactly as sent (keys like "007" or " a " must not be
 * turned into numbers or trimmed); namespaces are dropped; elements that may repeat are always
 * arrays. Anything not well-formed is S3's MalformedXML.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ServiceError } from '../../service-error.js';

const REPEATED = new Set(['Object', 'Part']);

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  removeNSPrefix: true,
  htmlEntities: true,
  isArray: (name) => REPEATED.has(name),
});

export type XmlElement = { [name: string]: XmlContent };
export type XmlContent = string | XmlElement | XmlContent[];

export function malformedXml(): ServiceError {
  return new ServiceError(
    'MalformedXML',
    'The XML you provided was not well-formed or did not validate against our published schema',
    400,
  );
}

/** The children of the root element `root`, or MalformedXML. */
export function parseXmlBody(body: Buffer, root: string): XmlElement {
  const text = body.toString('utf8');
  if (XMLValidator.validate(text) !== true) throw malformedXml();
  const doc = parser.parse(text) as XmlElement;
  const element = doc[root];
  if (element === '') return {};
  if (!element || typeof element !== 'object' || Array.isArray(element)) throw malformedXml();
  return element;
}

/** The text of a leaf element (undefined if absent; MalformedXML if it has children). */
export function text(value: XmlContent | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (!Array.isArray(value) && Object.keys(value).every((k) => k === '#text'))
    return (value['#text'] as string | undefined) ?? '';
  throw malformedXml();
}

/** The repeated child elements `name` of `element`, each an element. */
export function children(element: XmlElement, name: string): XmlElement[] {
  const value = element[name];
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((item) => {
    if (item === '') return {};
    if (typeof item !== 'object' || Array.isArray(item)) throw malformedXml();
    return item;
  });
}
