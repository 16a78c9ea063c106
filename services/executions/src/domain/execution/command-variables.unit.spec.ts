import { BUILD_COMMANDS, DEPLOY_COMMANDS, DIRECTORY_DEPLOY, HTTP_INVOKE, TEST_COMMANDS } from '@sluice/domain';
import { environmentName, resolveCommands, runsShellCommands } from './command-variables';
import type { VariableScope } from './variable-resolution';

const scope: VariableScope = {
  executionId: 'e-42',
  pipelineVariables: { Env: 'x; rm -rf /', N: '3' },
  namespaces: { SourceVariables: { CommitMessage: 'fix "it"', CommitId: 'abc' }, 'a-b': { c: 'dash' }, a_b: { c: 'underscore' }, Build: { 'dotted.name': 'd' } },
};

const resolved = (commands: string[]) => resolveCommands(undefined, commands, scope);

describe('references in commands', () => {
  it.each<[string, string, string]>([
    ['unquoted: one quoted word', 'echo deploying to #{variables.Env}', 'echo deploying to "${variables_Env}"'],
    ['between double quotes: the expansion alone', 'echo "deploying to #{variables.Env}"', 'echo "deploying to ${variables_Env}"'],
    ['between single quotes: closed, expanded, reopened', "echo 'deploying to #{variables.Env}!'", `echo 'deploying to '"\${variables_Env}"'!'`],
    ["in $'…': reopened as $'…' so later escapes still mean the same", "echo $'to #{variables.Env}\\n'", `echo $'to '"\${variables_Env}"$'\\n'`],
    ['in $(…) inside double quotes: code again', 'echo "$(basename #{variables.Env})"', 'echo "$(basename "${variables_Env}")"'],
    ['in `…`', 'echo `basename #{variables.Env}`', 'echo `basename "${variables_Env}"`'],
    ['after a backslash, unquoted: the backslash goes (the word is literal anyway)', 'echo \\#{variables.Env}', 'echo "${variables_Env}"'],
    ['after a backslash, double quoted: it stays a backslash', 'echo "\\#{variables.Env}"', 'echo "\\\\${variables_Env}"'],
    ["after a backslash, in $'…': it stays a backslash", "echo $'\\#{variables.Env}'", `echo $'\\\\'"\${variables_Env}"$''`],
    ['after a $: a literal $ then the value', 'echo $#{variables.N} "$#{variables.N}"', 'echo \\$"${variables_N}" "\\$${variables_N}"'],
    ['in the body of a here-document: the expansion alone', 'cat <<EOF\n"#{variables.Env}"\nEOF', 'cat <<EOF\n"${variables_Env}"\nEOF'],
    ['a reference in a comment is replaced like any other', '# #{variables.N}', '# "${variables_N}"'],
    ['text that is no reference stays', 'echo #{x} ${HOME} #{variables}', 'echo #{x} ${HOME} #{variables}'],
  ])('%s', (_, command, expected) => {
    expect(resolved([command])).toMatchObject({ commands: { resolved: true, value: [expected] } });
  });

  it('reads the commands as one script: a quote opened on one line spans the next', () => {
    expect(resolved(["echo 'first", "#{variables.N}'", 'echo #{variables.N}'])).toMatchObject({
      commands: { resolved: true, value: ["echo 'first", `'"\${variables_N}"''`, 'echo "${variables_N}"'] },
    });
  });

  it('gives each distinct reference one environment variable, in order of appearance, named like the worker names variables', () => {
    expect(resolved(['echo #{variables.Env} #{SourceVariables.CommitMessage} #{variables.Env} #{Build.dotted.name}']).environment).toEqual([
      { name: 'variables_Env', value: 'x; rm -rf /' },
      { name: 'SourceVariables_CommitMessage', value: 'fix "it"' },
      { name: 'Build_dotted_name', value: 'd' },
    ]);
  });

  it('makes a later reference with the same name unique', () => {
    const result = resolved(['echo #{a-b.c} #{a_b.c} #{a-b.c}']);
    expect(result.environment).toEqual([
      { name: 'a_b_c', value: 'dash' },
      { name: 'a_b_c_2', value: 'underscore' },
    ]);
    expect(result.commands).toEqual({ resolved: true, value: ['echo "${a_b_c}" "${a_b_c_2}" "${a_b_c}"'] });
  });

  it.each([
    ['SourceVariables.CommitId', 'SourceVariables_CommitId'],
    ['1st.x-y', '_1st_x_y'],
    ['SLUICE.JOB_ID', '_SLUICE_JOB_ID'],
    ['CODEBUILD.SRC_DIR', '_CODEBUILD_SRC_DIR'],
    ['BASH.ENV', '_BASH_ENV'],
    ['LD.PRELOAD', '_LD_PRELOAD'],
  ])('environment name of %s: %s', (reference, name) => {
    expect(environmentName(reference)).toBe(name);
  });

  it('the Commands configuration and the commands array share the names; configuration lines end with \\n', () => {
    const result = resolveCommands('echo #{variables.N}\r\necho "#{variables.Env}"', ['echo #{variables.Env}'], scope);
    expect(result).toEqual({
      configured: { resolved: true, value: 'echo "${variables_N}"\necho "${variables_Env}"' },
      commands: { resolved: true, value: ['echo "${variables_Env}"'] },
      environment: [
        { name: 'variables_N', value: '3' },
        { name: 'variables_Env', value: 'x; rm -rf /' },
      ],
    });
  });

  it('names every unresolved reference with where it is', () => {
    const result = resolveCommands('true\necho #{variables.Nope}', ['echo ok', 'echo #{Missing.X} #{variables.N} #{variables.Nope}'], scope);
    expect(result.configured).toEqual({
      resolved: false,
      unresolved: [{ location: 'configuration.Commands', text: '#{variables.Nope}', reason: 'the pipeline has no variable "Nope"' }],
    });
    expect(result.commands).toEqual({
      resolved: false,
      unresolved: [
        { location: 'commands[1]', text: '#{Missing.X}', reason: 'no action with the namespace "Missing" has succeeded in this execution' },
        { location: 'commands[1]', text: '#{variables.Nope}', reason: 'the pipeline has no variable "Nope"' },
      ],
    });
  });

  it.each([
    ['$((…))', 'echo $(( #{variables.N} + 1 ))'],
    ['((…))', '(( n = #{variables.N} ))'],
  ])('refuses a reference inside %s, where bash would evaluate the value as an expression', (_, command) => {
    expect(resolved([command]).commands).toEqual({
      resolved: false,
      unresolved: [
        {
          location: 'commands[0]',
          text: '#{variables.N}',
          reason: 'inside $((…)) or ((…)) bash evaluates a value as an expression, which can run commands: check $variables_N (e.g. [[ $variables_N =~ ^[0-9]+$ ]]) and use it',
        },
      ],
    });
  });

  it.each([
    ["<<'EOF'", "cat <<'EOF' > notes.txt\nenv: #{variables.Env}\nEOF"],
    ['<<"EOF", inside $(…)', 'notes="$(cat <<"EOF"\nenv: #{variables.Env}\nEOF\n)"'],
  ])('refuses a reference in a here-document with a quoted delimiter (%s), whose body bash never expands', (_, script) => {
    expect(resolveCommands(undefined, script.split('\n'), scope).commands).toEqual({
      resolved: false,
      unresolved: [
        {
          location: 'commands[1]',
          text: '#{variables.Env}',
          reason: "the body of a here-document with a quoted delimiter (<<'EOF') is never expanded: unquote the delimiter (<<EOF)",
        },
      ],
    });
  });

  it('only the Commands action types run shell commands', () => {
    expect([BUILD_COMMANDS, TEST_COMMANDS, DEPLOY_COMMANDS, DIRECTORY_DEPLOY, HTTP_INVOKE].map((type) => runsShellCommands(type.id))).toEqual([true, true, true, false, false]);
    expect(runsShellCommands({ ...BUILD_COMMANDS.id, owner: 'Custom' })).toBe(false);
  });
});
