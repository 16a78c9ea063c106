import { EXIT_CODES } from './cli-error';
import { optionName, type Verb } from './verb';
import { VERBS } from './verbs';

const INTRO = `# The \`sluice\` command line

\`sluice\` speaks to Sluice's gateway (GraphQL only) with the verbs, options and JSON shapes of
\`aws codepipeline\`, plus Sluice's own: live logs, waiting, local runs, audit and replay.

\`\`\`bash
npm install                                   # links the sluice bin into node_modules/.bin
npx sluice login --token "$(cat .sluice/admin-token)" --endpoint-url http://localhost:4000
npx sluice list-pipelines --output table
\`\`\`

## Options every verb takes

| option | meaning |
|---|---|
| \`--endpoint-url URL\` | the gateway; else \`SLUICE_ENDPOINT_URL\`, the profile's \`endpoint_url\`, or http://localhost:4000 |
| \`--profile NAME\` | a section of \`~/.sluice/config\` (\`SLUICE_CONFIG_FILE\` moves it; \`SLUICE_PROFILE\` picks one) |
| \`--output json\\|text\\|table\` | how the answer is printed (default json, as the AWS CLI) |
| \`--query EXPR\` | a JMESPath expression applied to the answer before printing |
| \`--cli-input-json JSON\` | the whole request as JSON, inline or \`file://request.json\`; options given as well win |
| \`--generate-cli-skeleton\` | prints the request JSON with every member, to fill in for \`--cli-input-json\` |
| \`--no-paginate\` | list verbs fetch every page unless this is given; then one page and its \`nextToken\` |
| \`help\` | \`sluice help\`, or \`sluice VERB help\` for a verb's options; an unknown verb is named with the verbs it most likely meant (\`get-pipelinestate\` → \`get-pipeline-state\`) |
| \`--version\` | \`sluice --version\` prints the command's version |

Any value may be \`file://path\`. Structures take JSON or the AWS shorthand \`key=value,key2="a, b"\`;
lists take JSON or several words. The token comes from \`SLUICE_TOKEN\` or the profile's \`token\`.

The config file looks like the AWS CLI's:

\`\`\`ini
[default]
endpoint_url = http://localhost:4000
token = slu_…
output = json
\`\`\`

## Exit codes

Every failure prints one line (\`sluice: …\`) on stderr, never a stack trace, and exits with its kind's code:

| code | kind |
|---:|---|
| 0 | success |
${Object.entries(EXIT_CODES)
  .sort(([, a], [, b]) => a - b)
  .map(([kind, code]) => `| ${code} | ${kind} |`)
  .join('\n')}

## Verbs
`;

function verbSection(verb: Verb): string {
  const options = verb.parameters.map((parameter) => {
    const name = parameter.positional ? parameter.name.toUpperCase() : `\`${optionName(parameter.name)}\``;
    const values = parameter.enum ? ` One of ${parameter.enum.map((value) => `\`${value}\``).join(', ')}.` : '';
    return `| ${name} | ${parameter.type}${parameter.required ? ', required' : ''} | ${parameter.description.replace(/\|/g, '\\|')}${values} |`;
  });
  return [
    `### \`${verb.name}\``,
    '',
    verb.summary,
    '',
    ...(options.length > 0 ? ['| option | type | meaning |', '|---|---|---|', ...options, ''] : []),
    '```bash',
    ...verb.examples,
    '```',
    '',
    ...(verb.guide ? [verb.guide.trim(), ''] : []),
  ].join('\n');
}

/** docs/cli.md, made from the verbs themselves so it cannot drift from them. */
export function cliReference(): string {
  return `${INTRO}\n${VERBS.map(verbSection).join('\n')}`;
}
