// The peer of bench row scheme/interpreter: the same small Scheme as
// examples/scheme/ (same language, same algorithms: interned symbols holding
// their global values, frames of values bound to a closure's parameter list,
// proper tail calls as a loop, recursion for everything else), written as
// one would in plain JavaScript on JS objects: numbers are JS numbers, pairs
// and frames are objects, errors are thrown. Integers are checked to 31 bits
// as the plugin's are, so both give the same answers and errors.

const MIN_INT = -(2 ** 30);
const MAX_INT = 2 ** 30 - 1;

class Pair {
  constructor(public car: Value, public cdr: Value) {}
}

class Sym {
  value: Value | undefined = undefined;
  special = 0;
  constructor(readonly name: string) {}
}

class Closure {
  constructor(readonly params: Value, readonly body: Value, readonly env: Frame | null, readonly fixed: number, readonly rest: boolean) {}
}

class Primitive {
  constructor(readonly name: string, readonly fn: (args: Value[]) => Value) {}
}

class Frame {
  extras: Pair | null = null;
  constructor(readonly parent: Frame | null, readonly names: Value, readonly values: Value[], readonly isLet: boolean) {}
}

type Value = number | boolean | null | Pair | Sym | Closure | Primitive;

class SchemeError extends Error {}

const F_QUOTE = 1, F_IF = 2, F_DEFINE = 3, F_LAMBDA = 4, F_LET = 5, F_SET = 6, F_BEGIN = 7;
const FORMS = ["quote", "if", "define", "lambda", "let", "set!", "begin"];

function show(v: Value): string {
  return print(v).slice(0, 80);
}

function print(v: Value): string {
  const out: string[] = [];
  const work: [Value, boolean][] = [[v, false]];
  while (work.length > 0) {
    const [x, rest] = work.pop()!;
    if (rest) {
      if (x === null) out.push(")");
      else if (x instanceof Pair) {
        out.push(" ");
        work.push([x.cdr, true], [x.car, false]);
      } else out.push(" . ", atom(x), ")");
    } else if (x instanceof Pair) {
      out.push("(");
      work.push([x.cdr, true], [x.car, false]);
    } else out.push(atom(x));
  }
  return out.join("");
}

function atom(v: Value): string {
  if (typeof v === "number") return String(v);
  if (v === null) return "()";
  if (v === true) return "#t";
  if (v === false) return "#f";
  if (v instanceof Sym) return v.name;
  if (v instanceof Closure) return "#<procedure>";
  if (v instanceof Primitive) return `#<primitive ${v.name}>`;
  return "#<unknown>";
}

function int(name: string, v: Value): number {
  if (typeof v !== "number") throw new SchemeError(`${name}: expected an integer, got ${show(v)}`);
  return v;
}

function checked(name: string, n: number): number {
  if (n < MIN_INT || n > MAX_INT) throw new SchemeError(`${name}: integer overflow (the result does not fit in 31 bits)`);
  return n;
}

function pair(name: string, v: Value): Pair {
  if (!(v instanceof Pair)) throw new SchemeError(`${name}: expected a pair, got ${show(v)}`);
  return v;
}

function arity(name: string, args: Value[], n: number): void {
  if (args.length !== n) throw new SchemeError(`${name}: expects ${n === 1 ? "1 argument" : `${n} arguments`}, got ${args.length}`);
}

function compare(name: string, ok: (a: number, b: number) => boolean): (args: Value[]) => Value {
  return (args) => {
    if (args.length < 2) throw new SchemeError(`${name}: expects at least 2 arguments, got ${args.length}`);
    let result = true;
    for (let i = 0; i < args.length; i++) {
      const b = int(name, args[i]);
      if (i > 0 && !ok(args[i - 1] as number, b)) result = false;
    }
    return result;
  };
}

const PRIMITIVES: Record<string, (args: Value[]) => Value> = {
  "+": (args) => args.reduce<number>((s, v) => checked("+", s + int("+", v)), 0),
  "*": (args) => args.reduce<number>((s, v) => checked("*", s * int("*", v)), 1),
  "-": (args) => {
    if (args.length === 0) throw new SchemeError("-: expects at least 1 argument, got 0");
    if (args.length === 1) return checked("-", -int("-", args[0]));
    let acc = int("-", args[0]);
    for (let i = 1; i < args.length; i++) acc = checked("-", acc - int("-", args[i]));
    return acc;
  },
  "<": compare("<", (a, b) => a < b),
  "=": compare("=", (a, b) => a === b),
  ">": compare(">", (a, b) => a > b),
  "<=": compare("<=", (a, b) => a <= b),
  ">=": compare(">=", (a, b) => a >= b),
  cons: (args) => (arity("cons", args, 2), new Pair(args[0], args[1])),
  car: (args) => (arity("car", args, 1), pair("car", args[0]).car),
  cdr: (args) => (arity("cdr", args, 1), pair("cdr", args[0]).cdr),
  "null?": (args) => (arity("null?", args, 1), args[0] === null),
  "pair?": (args) => (arity("pair?", args, 1), args[0] instanceof Pair),
  list: (args) => {
    let l: Value = null;
    for (let i = args.length - 1; i >= 0; i--) l = new Pair(args[i], l);
    return l;
  },
  "set-car!": (args) => (arity("set-car!", args, 2), (pair("set-car!", args[0]).car = args[1]), null),
  "set-cdr!": (args) => (arity("set-cdr!", args, 2), (pair("set-cdr!", args[0]).cdr = args[1]), null),
  not: (args) => (arity("not", args, 1), args[0] === false),
  "eq?": (args) => (arity("eq?", args, 2), args[0] === args[1]),
  remainder: (args) => {
    arity("remainder", args, 2);
    const b = int("remainder", args[1]);
    if (b === 0) throw new SchemeError("remainder: division by zero");
    return int("remainder", args[0]) % b;
  },
  quotient: (args) => {
    arity("quotient", args, 2);
    const b = int("quotient", args[1]);
    if (b === 0) throw new SchemeError("quotient: division by zero");
    return checked("quotient", Math.trunc(int("quotient", args[0]) / b));
  },
};

/** One run's interpreter: its symbol table is its global environment. */
class Interpreter {
  readonly symbols = new Map<string, Sym>();
  #text = "";
  #pos = 0;

  constructor() {
    FORMS.forEach((name, i) => (this.intern(name).special = i + 1));
    for (const [name, fn] of Object.entries(PRIMITIVES)) this.intern(name).value = new Primitive(name, fn);
  }

  intern(name: string): Sym {
    let s = this.symbols.get(name);
    if (s === undefined) this.symbols.set(name, (s = new Sym(name)));
    return s;
  }

  run(text: string): string {
    this.#text = text;
    this.#pos = 0;
    let result: Value = null;
    try {
      for (;;) {
        const form = this.read();
        if (form === undefined) break;
        result = evaluate(form, null);
      }
      return print(result);
    } catch (e) {
      if (e instanceof SchemeError) return `error: ${e.message}`;
      throw e;
    }
  }

  // The reader, iterative like the plugin's: a stack of lists being read.
  read(): Value | undefined {
    const text = this.#text;
    const stack: { head: Pair | null; tail: Pair | null; state: "list" | "dot" | "dotted" | "quote" }[] = [];
    for (;;) {
      while (this.#pos < text.length) {
        const c = text[this.#pos];
        if (c === " " || c === "\n" || c === "\t" || c === "\r") this.#pos++;
        else if (c === ";") while (this.#pos < text.length && text[this.#pos] !== "\n") this.#pos++;
        else break;
      }
      if (this.#pos >= text.length) {
        if (stack.length > 0) throw new SchemeError("read: unexpected end of the program (a ( is not closed)");
        return undefined;
      }
      const c = text[this.#pos];
      let v: Value;
      if (c === "(" || c === "'") {
        this.#pos++;
        stack.push({ head: null, tail: null, state: c === "(" ? "list" : "quote" });
        continue;
      } else if (c === ")") {
        this.#pos++;
        const top = stack.pop();
        if (top === undefined) throw new SchemeError("read: unexpected )");
        if (top.state === "quote") throw new SchemeError("read: ' followed by )");
        if (top.state === "dot") throw new SchemeError("read: nothing after . in a dotted list");
        v = top.head;
      } else if (c === '"') {
        throw new SchemeError("read: strings are not supported");
      } else if (c === "." && (this.#pos + 1 >= text.length || /[\s();"']/.test(text[this.#pos + 1]))) {
        this.#pos++;
        const top = stack[stack.length - 1];
        if (top === undefined || top.state !== "list" || top.head === null) throw new SchemeError("read: . outside a list, or before its first element");
        top.state = "dot";
        continue;
      } else {
        const start = this.#pos;
        while (this.#pos < text.length && !/[\s();"']/.test(text[this.#pos])) this.#pos++;
        v = this.atom(text.slice(start, this.#pos));
      }
      for (;;) {
        const top = stack[stack.length - 1];
        if (top === undefined) return v;
        if (top.state === "quote") {
          stack.pop();
          v = new Pair(this.intern("quote"), new Pair(v, null));
          continue;
        }
        if (top.state === "dotted") throw new SchemeError("read: more than one datum after . in a dotted list");
        if (top.state === "dot") {
          top.tail!.cdr = v;
          top.state = "dotted";
          break;
        }
        const cell = new Pair(v, null);
        if (top.tail === null) top.head = cell;
        else top.tail.cdr = cell;
        top.tail = cell;
        break;
      }
    }
  }

  atom(token: string): Value {
    if (/^[+-]?\d+$/.test(token)) {
      const n = Number(token);
      if (n < MIN_INT || n > MAX_INT) throw new SchemeError(`read: integer ${token} does not fit in 31 bits`);
      return n;
    }
    if (token[0] === "#") {
      if (token === "#t") return true;
      if (token === "#f") return false;
      throw new SchemeError(`read: unknown syntax ${token}`);
    }
    return this.intern(token);
  }
}

function locateIn(sym: Sym, frame: Frame): { values: Value[]; i: number } | Pair | undefined {
  let names = frame.names;
  let i = 0;
  if (!frame.isLet) {
    for (; names instanceof Pair; names = names.cdr, i++) if (names.car === sym) return { values: frame.values, i };
    if (names === sym) return { values: frame.values, i };
  } else {
    for (; names instanceof Pair; names = names.cdr, i++) if ((names.car as Pair).car === sym) return { values: frame.values, i };
  }
  for (let e = frame.extras; e !== null; e = e.cdr as Pair | null) if ((e.car as Pair).car === sym) return e.car as Pair;
  return undefined;
}

function lookup(sym: Sym, env: Frame | null): Value {
  for (; env !== null; env = env.parent) {
    let names = env.names;
    let i = 0;
    if (!env.isLet) {
      for (; names instanceof Pair; names = names.cdr, i++) if (names.car === sym) return env.values[i];
      if (names === sym) return env.values[i];
    } else {
      for (; names instanceof Pair; names = names.cdr, i++) if ((names.car as Pair).car === sym) return env.values[i];
    }
    for (let e = env.extras; e !== null; e = e.cdr as Pair | null) if ((e.car as Pair).car === sym) return (e.car as Pair).cdr;
  }
  if (sym.value === undefined) throw new SchemeError(`unbound variable: ${sym.name}`);
  return sym.value;
}

function assign(sym: Sym, env: Frame | null, v: Value): void {
  for (; env !== null; env = env.parent) {
    const at = locateIn(sym, env);
    if (at instanceof Pair) return void (at.cdr = v);
    if (at !== undefined) return void (at.values[at.i] = v);
  }
  if (sym.value === undefined) throw new SchemeError(`set!: unbound variable: ${sym.name}`);
  sym.value = v;
}

function define(sym: Sym, v: Value, env: Frame | null): Sym {
  if (env === null) {
    sym.value = v;
    return sym;
  }
  const at = locateIn(sym, env);
  if (at instanceof Pair) at.cdr = v;
  else if (at !== undefined) at.values[at.i] = v;
  else env.extras = new Pair(new Pair(sym, v), env.extras);
  return sym;
}

function badSyntax(x: Value, what?: string): never {
  throw new SchemeError(`bad syntax${what === undefined ? "" : ` in ${what}`}: ${show(x)}`);
}

function listLength(l: Value): number {
  let n = 0;
  for (; l instanceof Pair; l = l.cdr) n++;
  return l === null ? n : -1;
}

function closure(params: Value, body: Value, env: Frame | null, x: Value): Closure {
  let fixed = 0;
  let p = params;
  for (; p instanceof Pair; p = p.cdr, fixed++) if (!(p.car instanceof Sym)) badSyntax(x);
  if (!(p === null || p instanceof Sym) || !(body instanceof Pair)) badSyntax(x);
  return new Closure(params, body, env, fixed, p !== null);
}

function isList1(l: Value): l is Pair {
  return l instanceof Pair && l.cdr === null;
}

/** The value of `x` in `env`; tail positions loop (proper tail calls). */
function evaluate(x: Value, env: Frame | null): Value {
  for (;;) {
    if (x instanceof Sym) return lookup(x, env);
    if (!(x instanceof Pair)) return x;
    const op = x.car;
    if (op instanceof Sym && op.special !== 0) {
      const rest = x.cdr;
      switch (op.special) {
        case F_IF: {
          const parts = listLength(rest);
          if (parts !== 2 && parts !== 3) badSyntax(x);
          const r = rest as Pair;
          const branches = r.cdr as Pair;
          if (evaluate(r.car, env) !== false) x = branches.car;
          else if (branches.cdr === null) return null;
          else x = (branches.cdr as Pair).car;
          continue;
        }
        case F_QUOTE:
          if (!isList1(rest)) badSyntax(x, "quote");
          return rest.car;
        case F_LAMBDA:
          if (!(rest instanceof Pair)) badSyntax(x, "lambda");
          return closure(rest.car, rest.cdr, env, x);
        case F_DEFINE: {
          if (!(rest instanceof Pair)) badSyntax(x, "define");
          const target = rest.car;
          if (target instanceof Pair) {
            if (!(target.car instanceof Sym)) badSyntax(x, "define");
            return define(target.car, closure(target.cdr, rest.cdr, env, x), env);
          }
          if (!(target instanceof Sym) || !isList1(rest.cdr)) badSyntax(x, "define");
          return define(target, evaluate(rest.cdr.car, env), env);
        }
        case F_SET: {
          if (!(rest instanceof Pair) || !(rest.car instanceof Sym) || !isList1(rest.cdr)) badSyntax(x, "set!");
          assign(rest.car, env, evaluate(rest.cdr.car, env));
          return null;
        }
        case F_BEGIN: {
          if (rest === null) return null;
          if (!(rest instanceof Pair)) badSyntax(x, "begin");
          x = sequence(rest, env);
          continue;
        }
        case F_LET: {
          if (!(rest instanceof Pair) || !(rest.cdr instanceof Pair)) badSyntax(x, "let");
          const values: Value[] = [];
          let b = rest.car;
          for (; b instanceof Pair; b = b.cdr) {
            const binding = b.car;
            if (!(binding instanceof Pair) || !(binding.car instanceof Sym) || !isList1(binding.cdr)) badSyntax(x, "let");
            values.push(evaluate(binding.cdr.car, env));
          }
          if (b !== null) badSyntax(x, "let");
          env = new Frame(env, rest.car, values, true);
          x = sequence(rest.cdr, env);
          continue;
        }
      }
    }
    const f = evaluate(op, env);
    const args: Value[] = [];
    let a = x.cdr;
    for (; a instanceof Pair; a = a.cdr) args.push(evaluate(a.car, env));
    if (a !== null) badSyntax(x);
    if (f instanceof Primitive) return f.fn(args);
    if (!(f instanceof Closure)) throw new SchemeError(`not a procedure: ${show(f)}, in ${show(x)}`);
    if (args.length < f.fixed || (args.length > f.fixed && !f.rest)) {
      throw new SchemeError(`wrong number of arguments: ${args.length} given, ${f.fixed}${f.rest ? " or more" : ""} wanted, in ${show(x)}`);
    }
    if (f.rest) {
      let rest: Value = null;
      for (let i = args.length - 1; i >= f.fixed; i--) rest = new Pair(args[i], rest);
      args.length = f.fixed;
      args.push(rest);
    }
    env = new Frame(f.env, f.params, args, false);
    x = sequence(f.body, env);
  }
}

/** Evaluates a body's expressions but the last, which it returns: a tail. */
function sequence(body: Value, env: Frame | null): Value {
  let b = body as Pair;
  for (; b.cdr instanceof Pair; b = b.cdr) evaluate(b.car, env);
  return b.car;
}

/** Runs `program` in a fresh interpreter: the last form's value printed, or "error: …". */
export function runSchemeJs(program: string): string {
  return new Interpreter().run(program);
}
