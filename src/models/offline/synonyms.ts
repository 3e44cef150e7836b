import { stem } from './text.js';

/**
 * Words a question and the sentence answering it use for one thing ("how long do we KEEP invoices"
 * / "the RETENTION period for invoices"; "the loan period" / "can be BORROWED"). Only for choosing
 * the sentence that answers a question: a shared meaning is a hit there. Memory decisions compare
 * words as written. Broad everyday classes, no scenario's words.
 */
const GROUPS: string[][] = [
  ['keep', 'retain', 'retention'],
  ['start', 'begin', 'commence'],
  ['end', 'finish', 'close'],
  ['cost', 'price', 'fee'],
  ['deadline', 'due'],
  ['borrow', 'loan', 'lend'],
  ['contact', 'reach'],
  ['limit', 'cap', 'maximum', 'ceiling'],
  ['lead', 'head', 'manage', 'manager', 'supervise', 'supervisor', 'coordinate', 'coordinator', 'charge'],
  ['employee', 'staff', 'worker', 'personnel'],
  ['salary', 'pay', 'wage'],
  ['happen', 'hold', 'held', 'take'],
  ['reimburse', 'reimbursement', 'refund'],
  ['location', 'locate', 'situate', 'based'],
  ['renew', 'renewal'],
  ['approve', 'approval', 'approver', 'sign'],
  ['allowance', 'subsidy', 'stipend'],
  ['length', 'long', 'duration'],
];

const CANON = new Map<string, string>();
for (const g of GROUPS) for (const w of g) CANON.set(stem(w), stem(g[0]!));

/** The keyword set with each word replaced by its group's first word. */
export function canonical(words: Set<string>): Set<string> {
  return new Set([...words].map((w) => CANON.get(w) ?? w));
}
