/** Just enough XML checking for the report's SVGs: balanced tags, quoted attributes, escaped text. */
export interface Element {
  readonly name: string;
  readonly attrs: Record<string, string>;
  /** Text directly inside (for <text>). */
  text: string;
}

/** Parses an SVG document into its elements (document order); throws on anything not well-formed. */
export function parseSvg(svg: string): Element[] {
  const elements: Element[] = [];
  const stack: Element[] = [];
  const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/y;
  let i = 0;
  let rootClosed = false;
  while (i < svg.length) {
    const lt = svg.indexOf('<', i);
    const chunk = svg.slice(i, lt === -1 ? svg.length : lt);
    if (/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(chunk)) throw new Error(`unescaped & in text: ${chunk}`);
    if (chunk.trim() !== '') {
      if (stack.length === 0) throw new Error(`text outside the root: ${chunk}`);
      stack[stack.length - 1].text += chunk;
    }
    if (lt === -1) break;
    tag.lastIndex = lt;
    const m = tag.exec(svg);
    if (!m) throw new Error(`malformed tag at ${lt}: ${svg.slice(lt, lt + 80)}`);
    const [, closing, name, attrText, selfClosing] = m;
    if (closing) {
      const open = stack.pop();
      if (!open || open.name !== name) throw new Error(`</${name}> closes <${open?.name}>`);
      if (stack.length === 0) rootClosed = true;
    } else {
      if (rootClosed || (stack.length === 0 && elements.length > 0)) throw new Error('more than one root element');
      const attrs: Record<string, string> = {};
      for (const a of attrText.matchAll(/([\w:-]+)="([^"]*)"/g)) {
        if (a[1] in attrs) throw new Error(`duplicate attribute ${a[1]} on <${name}>`);
        if (/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(a[2])) throw new Error(`unescaped & in attribute ${a[1]}`);
        attrs[a[1]] = a[2];
      }
      const element = { name, attrs, text: '' };
      elements.push(element);
      if (!selfClosing) stack.push(element);
      else if (stack.length === 0) rootClosed = true;
    }
    i = tag.lastIndex;
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack[stack.length - 1].name}>`);
  if (elements[0]?.name !== 'svg') throw new Error('root is not <svg>');
  return elements;
}

export const unescape = (s: string): string =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');

export function byClass(elements: Element[], cls: string): Element[] {
  return elements.filter((e) => (e.attrs.class ?? '').split(' ').includes(cls));
}
