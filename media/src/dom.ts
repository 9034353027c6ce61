// Building the review panel's page (browser): elements from text — never HTML, so text from git cannot become
// markup — and the panel's buttons, which all wait while an action the person started is running.

/** The action in progress (its actionKey), or null: while one runs, every button but links is disabled. */
let busy: string | null = null;

export function busyKey(): string | null {
  return busy;
}

export function setBusy(key: string | null): void {
  busy = key;
}

export type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') el.className = v;
    else el.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return el;
}

export function button(
  label: string,
  onClick: () => void,
  opts: {
    kind?: 'primary' | 'secondary' | 'link';
    key?: string;
    disabled?: string;
    title?: string;
    testid?: string;
  } = {},
): HTMLButtonElement {
  const b = h(
    'button',
    { class: `btn ${opts.kind ?? 'secondary'}`, type: 'button' },
    busy !== null && opts.key === busy ? `${label}…` : label,
  );
  if (opts.testid) b.dataset.testid = opts.testid;
  if (opts.title) b.title = opts.title;
  if (opts.disabled) {
    b.disabled = true;
    b.title = opts.disabled;
  } else if (busy !== null && opts.kind !== 'link') {
    b.disabled = true;
  }
  b.addEventListener('click', onClick);
  return b;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function chip(text: string, cls = '', title?: string): HTMLElement {
  const c = h('span', { class: `chip ${cls}` }, text);
  if (title) c.title = title;
  return c;
}

export function emptyState(title: string, body: string, ...actions: HTMLElement[]): HTMLElement {
  return h(
    'section',
    { class: 'empty' },
    h('h2', {}, title),
    h('p', {}, body),
    actions.length > 0 ? h('div', { class: 'actions' }, ...actions) : null,
  );
}
