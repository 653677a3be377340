#!/usr/bin/env node
// Converts test files from node's test runner (node:test) to jest (@jest/globals). Deterministic and idempotent:
// a file that no longer imports node:test is left untouched.
//
//   node scripts/codemods/node-test-to-jest.mjs <file|glob>...      rewrite in place (then prettier)
//   node scripts/codemods/node-test-to-jest.mjs --check <file|glob>... exit 1 if a file still needs converting
//
// The subset it converts (anything else in a node:test file is refused with file:line, never guessed):
//   imports      describe, it, test, before → beforeAll, after → afterAll, beforeEach, afterEach (aliases kept)
//   { timeout }  it/test(name, { timeout: n }, fn) → it(name, fn, n); before/after(fn, { timeout: n }) → beforeAll(fn, n);
//                describe(name, { timeout: n }, fn) → describe(name, fn) and n becomes the timeout of every test
//                and hook inside it that has none of its own (jest has no suite-wide deadline; each part stays bounded)
//   { skip }     skip: true or a string → it.skip / describe.skip (the reason kept as a comment);
//                skip: <expression> → (<expression> ? it.skip : it)(…) — node skips when the value is truthy
//   { todo }     todo: true or a string → it.todo(name)
//   { only }     only: true → it.only
//   t.skip(r)    inside a test → skipTest(r) from @switchboard/test-support/jest: it throws, the test ends there and
//                jest reports it as skipped with the reason appended to its name (see test-support's jest-environment)
//   (t) => …     the context parameter is removed (jest would take it for a `done` callback); any other use of it
//                (t.after, t.diagnostic, t.test, t.mock, t.plan…) is refused
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import ts from "typescript";

const RENAME = {
  describe: "describe",
  it: "it",
  test: "test",
  before: "beforeAll",
  after: "afterAll",
  beforeEach: "beforeEach",
  afterEach: "afterEach",
};
const HOOKS = new Set(["beforeAll", "afterAll", "beforeEach", "afterEach"]);
const SKIP_IMPORT = "@switchboard/test-support/jest";

class Refusal extends Error {}

/** Converts one file's text; returns the new text, or the same text when there is nothing to convert. */
export function convert(text, fileName = "file.ts") {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const edits = [];
  const refuse = (node, why) => {
    const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    throw new Refusal(`${fileName}:${line + 1}:${character + 1}: ${why}`);
  };
  const src = (node) => text.slice(node.getStart(sf), node.end);

  // 1. The node:test import(s): local name → jest name.
  const local = new Map();
  const nodeImports = [];
  let jestImport;
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier)) continue;
    const from = st.moduleSpecifier.text;
    if (from === "@jest/globals") jestImport = st;
    if (from !== "node:test" && from !== "test") continue;
    nodeImports.push(st);
    const clause = st.importClause;
    if (!clause) continue;
    if (clause.name) local.set(clause.name.text, "test");
    const nb = clause.namedBindings;
    if (nb && ts.isNamespaceImport(nb))
      refuse(nb, "namespace import of node:test: import the functions by name");
    if (nb && ts.isNamedImports(nb)) {
      for (const el of nb.elements) {
        const imported = (el.propertyName ?? el.name).text;
        if (!(imported in RENAME))
          refuse(el, `node:test's "${imported}" has no conversion (only ${Object.keys(RENAME).join(", ")})`);
        local.set(el.name.text, RENAME[imported]);
      }
    }
  }
  if (nodeImports.length === 0) return text;

  let needsSkip = false;
  const used = new Set();
  const existingJest = new Set();
  if (jestImport?.importClause?.namedBindings && ts.isNamedImports(jestImport.importClause.namedBindings))
    for (const el of jestImport.importClause.namedBindings.elements) existingJest.add(el.name.text);

  const isFn = (n) => n && (ts.isArrowFunction(n) || ts.isFunctionExpression(n));
  const objectOptions = (n, kind) => {
    if (!n) return undefined;
    if (!ts.isObjectLiteralExpression(n)) return undefined;
    const out = {};
    for (const p of n.properties) {
      if (!ts.isPropertyAssignment(p) || !(ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)))
        refuse(p, `${kind} options: only plain "key: value" properties convert`);
      const key = p.name.text;
      if (!["timeout", "skip", "todo", "only", "concurrency"].includes(key))
        refuse(p, `${kind} option "${key}" has no jest equivalent`);
      out[key] = p.initializer;
    }
    return out;
  };
  const flag = (expr) => {
    // "yes" | "no" | "expr": how a skip/todo/only value reads statically.
    if (expr.kind === ts.SyntaxKind.TrueKeyword) return "yes";
    if (expr.kind === ts.SyntaxKind.FalseKeyword) return "no";
    if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr))
      return expr.text === "" ? "no" : "yes";
    if (ts.isTemplateExpression(expr)) return "yes";
    return "expr";
  };

  // Removes a callback's context parameter; rewrites ctx.skip(…) → skipTest(…) and refuses any other use.
  const dropContext = (fn, kind) => {
    if (fn.parameters.length === 0) return;
    if (fn.parameters.length > 1) refuse(fn, `${kind} callback takes ${fn.parameters.length} parameters`);
    const p = fn.parameters[0];
    if (!ts.isIdentifier(p.name)) refuse(p, `${kind} callback's context parameter is destructured`);
    const name = p.name.text;
    // Remove "(t)" / "t" / "(t: TestContext)" keeping the arrow or function keyword.
    const open = text.lastIndexOf("(", p.getStart(sf));
    const hasParens = open >= fn.getStart(sf) && text.slice(open + 1, p.getStart(sf)).trim() === "";
    if (hasParens) {
      const close = text.indexOf(")", p.end);
      edits.push({ start: open, end: close + 1, text: "()" });
    } else edits.push({ start: p.getStart(sf), end: p.end, text: "()" });
    const visit = (n) => {
      if (ts.isIdentifier(n) && n.text === name && n !== p.name) {
        const parent = n.parent;
        if (ts.isPropertyAccessExpression(parent) && parent.name === n) return; // x.t
        if (ts.isPropertyAccessExpression(parent) && parent.expression === n) {
          const call = parent.parent;
          if (parent.name.text === "skip" && ts.isCallExpression(call) && call.expression === parent) {
            if (kind !== "test") refuse(parent, `${name}.skip() in a ${kind} callback`);
            edits.push({ start: parent.getStart(sf), end: parent.end, text: "skipTest" });
            if (call.arguments.length === 0)
              edits.push({ start: call.end - 1, end: call.end - 1, text: JSON.stringify("skipped") });
            needsSkip = true;
            return;
          }
          refuse(parent, `${src(parent)}: only ${name}.skip() converts to jest`);
        }
        refuse(n, `the test context "${name}" is used other than ${name}.skip()`);
      }
      ts.forEachChild(n, visit);
    };
    visit(fn.body);
  };

  // A local declaration (const before = …, a parameter named after…) shadows the import inside its block.
  const declares = (stmts, name) =>
    stmts.some(
      (st) =>
        (ts.isVariableStatement(st) &&
          st.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === name)) ||
        ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name?.text === name),
    );
  const shadowed = (node, name) => {
    for (let n = node.parent; n && !ts.isSourceFile(n); n = n.parent) {
      if (ts.isBlock(n) && declares(n.statements, name)) return true;
      if (ts.isFunctionLike(n) && n.parameters?.some((p) => ts.isIdentifier(p.name) && p.name.text === name))
        return true;
      if (
        (ts.isForOfStatement(n) || ts.isForInStatement(n) || ts.isForStatement(n)) &&
        n.initializer &&
        ts.isVariableDeclarationList(n.initializer) &&
        n.initializer.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === name)
      )
        return true;
    }
    return false;
  };

  const calleeOf = (call) => {
    // it(…) | it.skip(…) | it.only(…) | it.todo(…) where "it" is a node:test import.
    let e = call.expression;
    let modifier;
    if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) && local.has(e.expression.text)) {
      modifier = e.name.text;
      e = e.expression;
    }
    if (!ts.isIdentifier(e) || !local.has(e.text) || shadowed(e, e.text)) return undefined;
    return { id: e, jest: local.get(e.text), modifier };
  };

  const visit = (node, inherited) => {
    if (
      ts.isIdentifier(node) &&
      local.has(node.text) &&
      !ts.isImportSpecifier(node.parent) &&
      !ts.isImportClause(node.parent) &&
      !shadowed(node, node.text) &&
      !((ts.isVariableDeclaration(node.parent) || ts.isParameter(node.parent)) && node.parent.name === node)
    ) {
      const p = node.parent;
      const isCallee =
        (ts.isCallExpression(p) && p.expression === node) ||
        (ts.isPropertyAccessExpression(p) &&
          p.expression === node &&
          ts.isCallExpression(p.parent) &&
          p.parent.expression === p);
      const isMember = ts.isPropertyAccessExpression(p) && p.name === node;
      const isKey =
        (ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p) || ts.isMethodDeclaration(p)) &&
        p.name === node;
      if (!isCallee && !isMember && !isKey) refuse(node, `"${node.text}" from node:test is used as a value`);
    }
    if (ts.isCallExpression(node)) {
      const c = calleeOf(node);
      if (c) {
        const childInherited = convertCall(node, c, inherited);
        for (const a of node.arguments) visit(a, childInherited);
        return;
      }
    }
    ts.forEachChild(node, (n) => visit(n, inherited));
  };

  // Returns the timeout (source text) the calls inside this one inherit.
  const convertCall = (call, { id, jest, modifier }, inherited) => {
    used.add(jest);
    if (modifier && !["skip", "only", "todo"].includes(modifier))
      refuse(call, `${id.text}.${modifier} has no conversion`);
    const args = [...call.arguments];
    const name = id.text === jest ? undefined : jest; // renamed callee
    const calleeText = (mod) => `${jest}${mod ? `.${mod}` : ""}`;

    if (HOOKS.has(jest)) {
      if (modifier) refuse(call, `${id.text}.${modifier}`);
      const [fn, opts] = args;
      if (!isFn(fn)) {
        if (name) edits.push({ start: id.getStart(sf), end: id.end, text: jest });
        return inherited;
      }
      dropContext(fn, "hook");
      const o = objectOptions(opts, "hook");
      if (opts && !o && args.length > 1) {
        // Already jest-style (fn, timeout) or an options variable.
        if (!ts.isNumericLiteral(opts) && !ts.isIdentifier(opts))
          refuse(opts, "hook options must be an object literal");
      }
      const timeout = o?.timeout ? src(o.timeout) : opts && !o ? undefined : inherited;
      if (o && Object.keys(o).some((k) => k !== "timeout")) refuse(opts, "hooks take only { timeout }");
      if (name) edits.push({ start: id.getStart(sf), end: id.end, text: jest });
      if (o) edits.push({ start: fn.end, end: opts.end, text: timeout ? `, ${timeout}` : "" });
      else if (!opts && timeout) edits.push({ start: fn.end, end: fn.end, text: `, ${timeout}` });
      return inherited;
    }

    // describe / it / test: ([name], [options], [fn]) in node; (name, fn, [timeout]) in jest.
    let optsNode;
    let fn;
    let titleNode;
    const rest = [...args];
    if (rest.length && !isFn(rest[0]) && !ts.isObjectLiteralExpression(rest[0])) titleNode = rest.shift();
    if (rest.length && ts.isObjectLiteralExpression(rest[0])) optsNode = rest.shift();
    if (rest.length && isFn(rest[0])) fn = rest.shift();
    const trailing = rest.shift(); // jest's timeout, or node's options after fn (not in node's API)
    if (trailing && ts.isObjectLiteralExpression(trailing)) refuse(trailing, "options after the callback");
    if (rest.length) refuse(call, "more arguments than name, options, callback");
    if (!titleNode) refuse(call, `${id.text}() without a name: jest needs one`);
    const o = objectOptions(optsNode, jest) ?? {};
    if (fn) dropContext(fn, jest === "describe" ? "describe" : "test");

    let mod = modifier;
    let conditionalSkip;
    let comment = "";
    if (o.skip) {
      const f = flag(o.skip);
      if (f === "yes") {
        mod = "skip";
        if (ts.isStringLiteral(o.skip) || ts.isNoSubstitutionTemplateLiteral(o.skip))
          comment = `// skipped: ${o.skip.text}\n`;
      } else if (f === "expr") conditionalSkip = src(o.skip);
    }
    if (o.todo && flag(o.todo) !== "no") {
      if (flag(o.todo) === "expr") refuse(o.todo, "todo: <expression>");
      mod = "todo";
    }
    if (o.only && flag(o.only) !== "no") {
      if (flag(o.only) === "expr") refuse(o.only, "only: <expression>");
      mod = mod ?? "only";
    }
    const ownTimeout = o.timeout ? src(o.timeout) : trailing ? src(trailing) : undefined;

    if (jest === "describe") {
      if (mod === "todo") refuse(call, "describe with todo");
      const callee = conditionalSkip ? `((${conditionalSkip}) ? describe.skip : describe)` : calleeText(mod);
      edits.push({ start: call.expression.getStart(sf), end: call.expression.end, text: callee });
      if (optsNode) edits.push({ start: titleNode.end, end: optsNode.end, text: "" });
      if (comment) edits.push({ start: call.getStart(sf), end: call.getStart(sf), text: comment });
      return ownTimeout ?? inherited;
    }

    // it / test
    if (mod === "todo") {
      edits.push({
        start: call.expression.getStart(sf),
        end: call.end,
        text: `${calleeText("todo")}(${src(titleNode)})`,
      });
      return inherited;
    }
    const callee = conditionalSkip ? `((${conditionalSkip}) ? ${jest}.skip : ${jest})` : calleeText(mod);
    edits.push({ start: call.expression.getStart(sf), end: call.expression.end, text: callee });
    if (optsNode) edits.push({ start: titleNode.end, end: optsNode.end, text: "" });
    const timeout = ownTimeout ?? inherited;
    if (fn && timeout && !trailing) edits.push({ start: fn.end, end: fn.end, text: `, ${timeout}` });
    if (comment) edits.push({ start: call.getStart(sf), end: call.getStart(sf), text: comment });
    return inherited;
  };

  for (const st of sf.statements) if (!nodeImports.includes(st)) visit(st, undefined);

  // Imports: drop node:test's, add (or extend) @jest/globals', and skipTest's if needed.
  const names = [...new Set([...existingJest, ...used])].sort();
  const importLines = [];
  if (names.length) importLines.push(`import { ${names.join(", ")} } from "@jest/globals";`);
  const hasSkipImport = text.includes(`from "${SKIP_IMPORT}"`);
  if (needsSkip && !hasSkipImport) importLines.push(`import { skipTest } from "${SKIP_IMPORT}";`);
  const first = nodeImports[0];
  edits.push({ start: first.getStart(sf), end: first.end, text: importLines.join("\n") });
  for (const st of nodeImports.slice(1)) edits.push({ start: st.getFullStart(), end: st.end, text: "" });
  if (jestImport) edits.push({ start: jestImport.getFullStart(), end: jestImport.end, text: "" });

  edits.sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  let lastStart = Infinity;
  for (const e of edits) {
    if (e.end > lastStart) throw new Refusal(`${fileName}: overlapping edits (a bug in the codemod)`);
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
    lastStart = e.start;
  }
  return out;
}

// A small glob (node 20 has no fs.glob): "**" any directories, "*" and "?" within a name, "{a,b}" alternatives.
function expand(pattern) {
  const parts = pattern.split("/");
  const firstMagic = parts.findIndex((p) => /[*?{[]/.test(p));
  const base = parts.slice(0, firstMagic).join("/") || ".";
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "*" && pattern[i + 1] === "*") {
      re += pattern[i + 2] === "/" ? "(?:.*/)?" : ".*";
      i += pattern[i + 2] === "/" ? 2 : 1;
    } else if (ch === "*") re += "[^/]*";
    else if (ch === "?") re += "[^/]";
    else if (ch === "{") re += "(?:";
    else if (ch === "}") re += ")";
    else if (ch === "," && re.lastIndexOf("(?:") > re.lastIndexOf(")")) re += "|";
    else re += ch.replace(/[.+^$()|\\]/g, "\\$&");
  }
  const matcher = new RegExp(`^${re}$`);
  const out = [];
  const walk = (dir) => {
    let names;
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      if (name === "node_modules" || name === ".git" || name === "dist") continue;
      const path = dir === "." ? name : join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (matcher.test(path)) out.push(path);
    }
  };
  walk(base);
  return out;
}

async function main(argv) {
  const check = argv[0] === "--check";
  const patterns = check ? argv.slice(1) : argv;
  if (patterns.length === 0) {
    console.error("usage: node scripts/codemods/node-test-to-jest.mjs [--check] <file|glob>...");
    return 2;
  }
  const files = new Set();
  for (const p of patterns) {
    if (/[*?{[]/.test(p)) {
      for (const f of expand(p)) files.add(resolve(f));
    } else files.add(resolve(p));
  }
  let prettier;
  try {
    prettier = await import("prettier");
  } catch {
    prettier = undefined;
  }
  let changed = 0;
  let failed = 0;
  for (const file of [...files].sort()) {
    const rel = relative(process.cwd(), file);
    const text = readFileSync(file, "utf8");
    let out;
    try {
      out = convert(text, rel);
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      console.error(`refused: ${err.message}`);
      failed++;
      continue;
    }
    if (out === text) continue;
    changed++;
    if (check) {
      console.log(`needs converting: ${rel}`);
      continue;
    }
    if (prettier) {
      const options = (await prettier.resolveConfig(file)) ?? {};
      out = await prettier.format(out, { ...options, filepath: file });
    }
    writeFileSync(file, out);
    console.log(`converted: ${rel}`);
  }
  console.log(
    `${changed} file(s) ${check ? "need converting" : "converted"}, ${failed} refused, ${files.size} examined`,
  );
  return failed > 0 || (check && changed > 0) ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await main(process.argv.slice(2));
