import { EXIT_CODES } from './cli-error';
import { optionName, type Verb } from './verb';
import { VERBS } from './verbs';

export function generalHelp(): string {
  const width = Math.max(...VERBS.map((verb) => verb.name.length));
  return [
    'sluice — Sluice’s command line, with the verbs and options of `aws codepipeline`',
    '',
    'usage: sluice [options] <verb> [verb options]      sluice <verb> help',
    '',
    'verbs:',
    ...VERBS.map((verb) => `  ${verb.name.padEnd(width)}  ${verb.summary}`),
    '',
    'options (every verb):',
    '  --endpoint-url URL            the gateway (default: the profile’s endpoint_url, SLUICE_ENDPOINT_URL, or http://localhost:4000)',
    '  --profile NAME                a profile of ~/.sluice/config (SLUICE_CONFIG_FILE; default SLUICE_PROFILE or "default")',
    '  --output json|text|table      how to print the answer (default json)',
    '  --query EXPRESSION            a JMESPath expression applied to the answer',
    '  --cli-input-json JSON         the request as JSON, inline or file://request.json; options given as well win',
    '  --generate-cli-skeleton       print the request JSON with every member, to fill in and pass to --cli-input-json',
    '  --no-paginate                 list verbs: one page, with its nextToken',
    '',
    'The token comes from SLUICE_TOKEN or the profile’s token (see `sluice login`).',
    `exit codes: ${Object.entries(EXIT_CODES).map(([kind, code]) => `${code} ${kind}`).join(', ')}; 0 success`,
    '',
  ].join('\n');
}

export function verbHelp(verb: Verb): string {
  const width = Math.max(0, ...verb.parameters.map((parameter) => optionName(parameter.name).length + (parameter.type === 'boolean' ? 0 : parameter.type.length + 3)));
  const synopsis = verb.parameters
    .map((parameter) => {
      const shown = parameter.positional ? parameter.name.toUpperCase() : `${optionName(parameter.name)}${parameter.type === 'boolean' ? '' : ` <${parameter.type}>`}`;
      return parameter.required ? shown : `[${shown}]`;
    })
    .join(' ');
  return [
    `sluice ${verb.name} — ${verb.summary}`,
    '',
    `usage: sluice ${verb.name} ${synopsis}`,
    '',
    ...(verb.parameters.length > 0 ? ['options:'] : []),
    ...verb.parameters.map((parameter) => {
      const shown = parameter.positional ? parameter.name.toUpperCase() : `${optionName(parameter.name)}${parameter.type === 'boolean' ? '' : ` <${parameter.type}>`}`;
      const values = parameter.enum ? ` One of: ${parameter.enum.join(', ')}.` : '';
      return `  ${shown.padEnd(width)}  ${parameter.required ? '(required) ' : ''}${parameter.description}${values}`;
    }),
    ...(verb.paginated ? ['', `Every page is fetched and the ${verb.paginated.items} joined, unless --no-paginate.`] : []),
    '',
    'examples:',
    ...verb.examples.map((example) => `  ${example}`),
    '',
  ].join('\n');
}
