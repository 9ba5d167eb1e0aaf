// Lint Cypher statements with Neo4j's own parser and semantic analysis
// (@neo4j-cypher/language-support, the library behind Neo4j's editors).
//
// Reads one JSON object on standard input:
//   {
//     "labels": [...], "relationshipTypes": [...],   // the only ones a statement may name
//     "propertyKeys": [...],                           // optional: node/relationship properties read
//     "graphSchema": [{"from", "to", "relType"}],      // optional: which labels each type joins
//     "statements": [{"file": "...", "line": 1, "statement": "..."}]
//   }
// and prints a JSON list with one {"file", "line", "diagnostics": [...]} per statement, in
// order; each diagnostic is {"severity": "error" | "warning" | ..., "message", "line",
// "column"}, its line counted in the file (a statement's "line" is the file line it starts on).
//
// Statements take their values as parameters that exist only at run time, so "Parameter $x is
// not defined." is dropped; so is an unknown-property warning about a key read off a map rather
// than a node or relationship (the package takes row.target in MATCH (b {id: row.target}) for
// a property of b). Every other diagnostic, warnings included, is reported.
// Functions are checked against Neo4j 5's built-in functions as the package lists them, so a
// misspelt or plugin (APOC) function is reported too.
'use strict';

const { lintCypherQuery, testData } = require('@neo4j-cypher/language-support');

const PARAMETER_NOT_DEFINED = /^Parameter \$\w+ is not defined\.$/;
const UNKNOWN_PROPERTY = /^(\S+) is not present in the database\./;
const SEVERITY = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };
const VERSION = 'CYPHER 5';

function builtInFunctions() {
  const all = testData && testData.mockSchema && testData.mockSchema.functions && testData.mockSchema.functions[VERSION];
  if (!all) {
    throw new Error('the installed @neo4j-cypher/language-support lists no ' + VERSION + ' functions');
  }
  const out = {};
  for (const [name, fn] of Object.entries(all)) {
    if (fn.isBuiltIn) out[name] = fn;
  }
  return out;
}

// Whether a diagnostic is an unknown-property warning for `owner.key` where owner is not a
// node or relationship (a map, such as an UNWIND row), which the database schema cannot know.
function keyOfAMap(statement, diagnostic, symbols) {
  const unknown = UNKNOWN_PROPERTY.exec(diagnostic.message);
  if (!unknown || statement.slice(diagnostic.offsets.start, diagnostic.offsets.end) !== unknown[1]) {
    return false;
  }
  const owner = /([A-Za-z_]\w*)\s*\.\s*$/.exec(statement.slice(0, diagnostic.offsets.start));
  const symbol = owner && symbols.find((s) => s.variable === owner[1]);
  return Boolean(symbol) && !symbol.types.every((t) => t === 'Node' || t === 'Relationship');
}

function main(input) {
  const request = JSON.parse(input);
  const dbSchema = {
    defaultLanguage: VERSION,
    labels: request.labels,
    relationshipTypes: request.relationshipTypes,
    functions: { [VERSION]: builtInFunctions() },
    procedures: { [VERSION]: {} },
  };
  if (request.propertyKeys) dbSchema.propertyKeys = request.propertyKeys;
  if (request.graphSchema) dbSchema.graphSchema = request.graphSchema;
  if (!Array.isArray(dbSchema.labels) || !Array.isArray(dbSchema.relationshipTypes)) {
    throw new Error('labels and relationshipTypes must be lists');
  }

  return request.statements.map(({ file, line = 1, statement }) => {
    const { diagnostics, symbolTables } = lintCypherQuery(statement, dbSchema);
    const symbols = symbolTables.flat();
    return {
      file,
      line,
      diagnostics: diagnostics
        .filter((d) => !PARAMETER_NOT_DEFINED.test(d.message))
        .filter((d) => !keyOfAMap(statement, d, symbols))
        .map((d) => ({
          severity: SEVERITY[d.severity] || String(d.severity),
          message: d.message,
          line: line + d.range.start.line,
          column: d.range.start.character + 1,
        })),
    };
  });
}

const chunks = [];
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => chunks.push(chunk));
process.stdin.on('end', () => {
  try {
    process.stdout.write(JSON.stringify(main(chunks.join(''))) + '\n');
  } catch (err) {
    process.stderr.write('lint.cjs: ' + (err && err.stack ? err.stack : err) + '\n');
    process.exitCode = 2;
  }
});
