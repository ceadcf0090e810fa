// Checks the formatting of the C++ and JavaScript sources (npm test runs it):
// - C++ in src/ and tests/: exactly what clang-format makes of it with .clang-format;
// - JavaScript and TypeScript in src/js, scripts, tests/js, tests/bench and tests/package: the house style, read with
//   TypeScript's parser: lines of at most 120 columns, no tabs, no trailing spaces, one final newline, strings in
//   single quotes (double only around a single quote), and every statement ended by its own semicolon, never left to
//   automatic semicolon insertion.
// web/ and tests/browser/ are not checked here.
//
//   node scripts/check-format.js          check; names every file, line and rule broken, and exits 1
//   node scripts/check-format.js --fix    format the C++ with clang-format; trim trailing spaces and final newlines
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import ts from 'typescript';

const root = new URL('..', import.meta.url).pathname;
const CPP = { dirs: ['src', 'tests/cpp', 'tests/fuzz', 'tests/bench', 'tests/common'], ext: ['.cc', '.hpp'] };
const JS = { dirs: ['src/js', 'scripts', 'tests/js', 'tests/bench', 'tests/package'], ext: ['.js', '.cjs', '.mjs',
  '.ts', '.cts', '.mts'] };
const SKIP = new Set(['node_modules', 'corpus', 'regressions', 'screenshots']);
const MAX_COLUMNS = 120;
const fix = process.argv.includes('--fix');

function filesOf({ dirs, ext }) {
  const found = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        if (!SKIP.has(name)) walk(path);
      } else if (ext.includes(extname(name))) {
        found.push(path);
      }
    }
  };
  for (const dir of dirs) walk(join(root, dir));
  return [...new Set(found)].sort();
}

const problems = [];
const report = (file, line, rule) => problems.push(`${relative(root, file)}:${line}: ${rule}`);

function clangFormat(files) {
  try {
    execFileSync('clang-format', [fix ? '-i' : '--dry-run', '--Werror', '--style=file', ...files],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    if (error.code === 'ENOENT') return report('.clang-format', 1, 'clang-format is not installed (npm run setup)');
    // clang-format --dry-run reports "file:line:col: error: code should be clang-formatted".
    for (const [, file, line] of String(error.stderr).matchAll(/^(.+?):(\d+):\d+: error:/gm))
      report(join(root, file), line, 'not as clang-format formats it (npm run format)');
    if (!problems.length) throw error;
  }
}

// Statements that end with a semicolon of their own.
const ENDED_BY_SEMICOLON = new Set([ts.SyntaxKind.VariableStatement, ts.SyntaxKind.ExpressionStatement,
  ts.SyntaxKind.ReturnStatement, ts.SyntaxKind.ThrowStatement, ts.SyntaxKind.BreakStatement,
  ts.SyntaxKind.ContinueStatement, ts.SyntaxKind.DoStatement, ts.SyntaxKind.ImportDeclaration,
  ts.SyntaxKind.ExportDeclaration, ts.SyntaxKind.ExportAssignment, ts.SyntaxKind.TypeAliasDeclaration,
  ts.SyntaxKind.PropertyDeclaration]);

function checkSyntax(file, text) {
  const kind = /\.[cm]?ts$/.test(file) ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const lineOf = (node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const visit = (node) => {
    if (node.kind === ts.SyntaxKind.StringLiteral) {
      const quoted = node.getText(source);
      if (quoted.startsWith('"') && !node.text.includes("'")) report(file, lineOf(node),
        `use single quotes: ${quoted}`);
    }
    if (ENDED_BY_SEMICOLON.has(node.kind) && node.getLastToken(source)?.kind !== ts.SyntaxKind.SemicolonToken)
      report(file, source.getLineAndCharacterOfPosition(node.getEnd()).line + 1, 'end the statement with a semicolon');
    ts.forEachChild(node, visit);
  };
  visit(source);
}

function checkText(file) {
  let text = readFileSync(file, 'utf8');
  if (fix) {
    const fixed = text.replace(/[ \t]+$/gm, '').replace(/\n*$/, '\n');
    if (fixed !== text) writeFileSync(file, (text = fixed));
  }
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line.length > MAX_COLUMNS) report(file, i + 1, `longer than ${MAX_COLUMNS} columns (${line.length})`);
    if (line.includes('\t')) report(file, i + 1, 'a tab (indent with spaces)');
    if (/\s$/.test(line)) report(file, i + 1, 'trailing whitespace');
  });
  if (!text.endsWith('\n') || text.endsWith('\n\n')) report(file, lines.length,
    'end the file with exactly one newline');
  checkSyntax(file, text);
}

clangFormat(filesOf(CPP).map((f) => relative(root, f)));
for (const file of filesOf(JS)) checkText(file);
if (problems.length) {
  console.error(problems.join('\n'));
  console.error(`check-format: ${problems.length} problem${problems.length > 1 ? 's' : ''}`);
  process.exit(1);
}
console.log('check-format: C++ as clang-format formats it; JavaScript in the house style');
