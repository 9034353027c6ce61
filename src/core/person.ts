import { keyIdentity } from './sshKeyIdentity';

/**
 * "Is this the same person": the one rule every two-person check uses (the gate, approve's preflight, the
 * panel, the policy's duplicate-reviewer check). Emails compare after Unicode compatibility normalisation
 * (NFKC: a fullwidth `ａ` is `a`), with invisible format characters (zero-width space and joiner, bidi marks)
 * removed, trimmed and in lower case, so a reviewer cannot be listed twice, or approve their own commit, under
 * a differently spelled address. GitHub's noreply address comes in two forms for one account —
 * `ID+login@users.noreply.github.com` and the older `login@users.noreply.github.com` — and both are one person
 * (outside tester, session 7: a reviewer's web edits carry the one, their listed address the other). A plus tag is
 * dropped (`bob+wip@example.com` is `bob@example.com`): Gmail, Google Workspace, Microsoft 365 and Fastmail deliver
 * both to one mailbox, so a reviewer committing under a tag is still the author (attack29 F8). Folding only ever
 * makes the rule stricter: two people differing only by a tag are one here.
 */
export function personKey(email: string): string {
  let key = keys.get(email);
  if (key === undefined) {
    if (keys.size >= MAX_KEYS) keys.clear();
    keys.set(email, (key = normalizedKey(email)));
  }
  return key;
}

/**
 * The gate asks for the same few addresses once per commit and reviewer (10,000 commits: tens of thousands of
 * NFKC normalisations and a Unicode-property regex each, ~5% of `verify`'s CPU), so answers are kept per
 * spelling. Bounded: a history of many authors only refills it.
 */
const keys = new Map<string, string>();
const MAX_KEYS = 4096;

function normalizedKey(email: string): string {
  const e = email
    .normalize('NFKC')
    .replace(/\p{Cf}/gu, '')
    .trim()
    .toLowerCase();
  const noreply = /^\d+\+([^@]+@users\.noreply\.github\.com)$/.exec(e);
  if (noreply) return noreply[1];
  const tagged = /^([^@+]+)\+[^@]*(@[^@]+)$/.exec(e);
  return tagged ? tagged[1] + tagged[2] : e;
}

/**
 * Whether an address names nobody: missing, or empty once folded (`Bob <>`, which git and `git fsck` accept; only
 * spaces or invisible characters). Nobody can be shown not to be such a commit's author or committer, so no
 * approval counts for it (approvalRules.selfReview) until it is re-created with an address (attack29 F8).
 */
export function namesNobody(email: string | undefined): boolean {
  return email === undefined || personKey(email) === '';
}

export function samePerson(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && !namesNobody(a) && personKey(a) === personKey(b);
}

/**
 * Who is one person among listed reviewers: those with the same email (personKey), and those holding the same
 * key (sshKeyIdentity.keyIdentity: a key is one person's, however many addresses list it — attack17 Q2). The
 * policy refuses both; counting by this keeps one person one approval for any policy object all the same.
 * Returns each reviewer's person id.
 */
export function reviewerPeople(reviewers: Iterable<{ email: string; key: string }>): (r: { email: string }) => string {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    for (let up = parent.get(root); up !== undefined && up !== root; up = parent.get(root)) root = up;
    parent.set(x, root);
    return root;
  };
  const join = (a: string, b: string): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(rb, ra);
  };
  for (const r of reviewers) {
    const person = `email:${personKey(r.email)}`;
    if (!parent.has(person)) parent.set(person, person);
    const key = keyIdentity(r.key);
    if (key === undefined) continue;
    if (!parent.has(`key:${key}`)) parent.set(`key:${key}`, `key:${key}`);
    join(person, `key:${key}`);
  }
  return (r) => {
    const person = `email:${personKey(r.email)}`;
    return parent.has(person) ? find(person) : person;
  };
}

/** How a reviewer is named in messages: `Name <email> (role)`. */
export function personLabel(r: { name?: string; email: string; role?: string }): string {
  return `${r.name ? `${r.name} ` : ''}<${r.email}>${r.role ? ` (${r.role})` : ''}`;
}
