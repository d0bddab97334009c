/** A few DOM helpers: elements from a tag, attributes and children; text is always set as text, never as HTML. */
type Child = Node | string | number | null | undefined | false;
type Children = Child | Children[];
type Attributes = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>;

export function h(tag: string, attributes: Attributes = {}, ...children: Children[]): HTMLElement {
  const element = document.createElement(tag);
  setAttributes(element, attributes);
  append(element, children);
  return element;
}

const SVG = 'http://www.w3.org/2000/svg';
export function s(tag: string, attributes: Attributes = {}, ...children: Children[]): SVGElement {
  const element = document.createElementNS(SVG, tag);
  setAttributes(element, attributes);
  append(element, children);
  return element;
}

function setAttributes(element: Element, attributes: Attributes): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) element.setAttribute(name, '');
    else if (value !== false && value !== null && value !== undefined)
      element.setAttribute(name, String(value));
  }
}

function append(element: Element, children: Children[]): void {
  for (const child of (children as unknown[]).flat(Infinity) as Child[]) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'object' ? child : String(child));
  }
}

export const number = (value: number) => value.toLocaleString('en-GB');
export const percent = (value: number | null) => (value === null ? '–' : `${(value * 100).toFixed(1)} %`);
export const money = (cents: number | null) =>
  cents === null ? '–' : (cents / 100).toLocaleString('en-GB', { style: 'currency', currency: 'USD' });
/** Seconds as hours, one decimal (`12.5 h`). */
export const hours = (seconds: number) =>
  `${(seconds / 3600).toLocaleString('en-GB', { maximumFractionDigits: 1 })} h`;
export const dayLabel = (date: string) =>
  new Date(`${date}T00:00:00Z`).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });

/** A message in place of a view: loading, empty, or an error that says what to do. */
export function notice(kind: 'loading' | 'empty' | 'error', ...children: Children[]): HTMLElement {
  return h('div', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, ...children);
}
