/**
 * A safe arithmetic expression evaluator (recursive descent). Never uses eval or Function: the
 * only things it can do are the operators, functions and constants listed here.
 */

const FUNCTIONS: Record<string, (...args: number[]) => number> = {
  sqrt: Math.sqrt,
  abs: Math.abs,
  round: Math.round,
  floor: Math.floor,
  ceil: Math.ceil,
  min: Math.min,
  max: Math.max,
  pow: Math.pow,
  log: Math.log10,
  ln: Math.log,
  exp: Math.exp,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
};

const CONSTANTS: Record<string, number> = { pi: Math.PI, e: Math.E };

export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}

type Token = { kind: 'num'; value: number; pos: number } | { kind: 'id'; value: string; pos: number } | { kind: 'op'; value: string; pos: number };

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^(\d+(?:[.,]\d+)*(?:\.\d+)?|\.\d+)(?:e[+-]?\d+)?/i.exec(src.slice(i));
    if (num) {
      // Thousands separators ("1,000") are accepted; a decimal comma is not.
      const text = num[0].replace(/,(?=\d{3}\b)/g, '');
      const value = Number(text);
      if (!Number.isFinite(value)) throw new ExpressionError(`bad number "${num[0]}"`, i);
      tokens.push({ kind: 'num', value, pos: i });
      i += num[0].length;
      continue;
    }
    const id = /^[a-z_][a-z0-9_]*/i.exec(src.slice(i));
    if (id) {
      tokens.push({ kind: 'id', value: id[0].toLowerCase(), pos: i });
      i += id[0].length;
      continue;
    }
    if (src.startsWith('**', i)) {
      tokens.push({ kind: 'op', value: '^', pos: i });
      i += 2;
      continue;
    }
    const op = c === '×' ? '*' : c === '÷' ? '/' : c;
    if ('+-*/%^(),'.includes(op)) {
      tokens.push({ kind: 'op', value: op, pos: i });
      i++;
      continue;
    }
    throw new ExpressionError(`unexpected character "${c}"`, i);
  }
  return tokens;
}

export function evaluateExpression(src: string): number {
  if (src.length > 500) throw new ExpressionError('expression longer than 500 characters', 0);
  const tokens = tokenize(src);
  let pos = 0;
  let depth = 0;
  const peek = () => tokens[pos];
  const at = () => peek()?.pos ?? src.length;
  const isOp = (v: string) => peek()?.kind === 'op' && peek()!.value === v;
  const expect = (v: string) => {
    if (!isOp(v)) throw new ExpressionError(`expected "${v}"`, at());
    pos++;
  };

  // expr := term (('+'|'-') term)*
  function expr(): number {
    let v = term();
    while (isOp('+') || isOp('-')) {
      const op = tokens[pos++]!.value;
      const r = term();
      v = op === '+' ? v + r : v - r;
    }
    return v;
  }
  // term := unary (('*'|'/'|'%') unary)*
  function term(): number {
    let v = unary();
    while (isOp('*') || isOp('/') || isOp('%')) {
      const op = tokens[pos++]!.value;
      const r = unary();
      if ((op === '/' || op === '%') && r === 0) throw new ExpressionError('division by zero', at());
      v = op === '*' ? v * r : op === '/' ? v / r : v % r;
    }
    return v;
  }
  // unary := ('-'|'+') unary | power
  function unary(): number {
    if (isOp('-')) {
      pos++;
      return -unary();
    }
    if (isOp('+')) {
      pos++;
      return unary();
    }
    return power();
  }
  // power := primary ('^' unary)?   (right-associative)
  function power(): number {
    const base = primary();
    if (isOp('^')) {
      pos++;
      return Math.pow(base, unary());
    }
    return base;
  }
  function primary(): number {
    const t = peek();
    if (!t) throw new ExpressionError('unexpected end of expression', src.length);
    if (t.kind === 'num') {
      pos++;
      return t.value;
    }
    if (t.kind === 'op' && t.value === '(') {
      if (++depth > 64) throw new ExpressionError('too deeply nested', t.pos);
      pos++;
      const v = expr();
      expect(')');
      depth--;
      return v;
    }
    if (t.kind === 'id') {
      pos++;
      if (t.value in CONSTANTS && !isOp('(')) return CONSTANTS[t.value]!;
      const fn = FUNCTIONS[t.value];
      if (!fn) throw new ExpressionError(`unknown name "${t.value}"`, t.pos);
      expect('(');
      const args = [expr()];
      while (isOp(',')) {
        pos++;
        args.push(expr());
      }
      expect(')');
      return fn(...args);
    }
    throw new ExpressionError(`unexpected "${t.value}"`, t.pos);
  }

  const value = expr();
  if (pos < tokens.length) throw new ExpressionError(`unexpected "${tokens[pos]!.value}"`, tokens[pos]!.pos);
  if (!Number.isFinite(value)) throw new ExpressionError('result is not a finite number', 0);
  return value;
}
