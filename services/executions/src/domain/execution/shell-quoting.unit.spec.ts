import { quotingAt, type ShellQuoting } from './shell-quoting';
import { referencesIn } from './variable-resolution';

/** The quoting kind at each `#{…}` of the script, with `\` / `$` when one comes right before it. */
function kinds(script: string): string[] {
  return quotingAt(script, referencesIn(script)).map(summary);
}

function summary(quoting: ShellQuoting): string {
  const marks = [
    'afterBackslash' in quoting && quoting.afterBackslash ? '\\' : '',
    'afterDollar' in quoting && quoting.afterDollar ? '$' : '',
    quoting.kind === 'QuotedHereDocument' ? ` until ${quoting.delimiter}` : '',
  ].join('');
  return `${quoting.kind}${marks === '' ? '' : ` ${marks.trim()}`}`;
}

describe('shell quoting at a reference', () => {
  it.each<[string, string, string[]]>([
    ['a plain word', 'echo #{a.b}', ['Unquoted']],
    ['double quotes', 'echo "x #{a.b}"', ['DoubleQuoted']],
    ['single quotes', "echo 'x #{a.b}'", ['SingleQuoted']],
    ['one of each, in order', `echo '#{a.b}' "#{c.d}" #{e.f}`, ['SingleQuoted', 'DoubleQuoted', 'Unquoted']],
    ["$'…', where \\' does not close", "echo $'x\\' #{a.b}' #{c.d}", ['AnsiCQuoted', 'Unquoted']],
    ['$"…" (locale) quotes like "…"', 'echo $"x #{a.b}"', ['DoubleQuoted']],
    ['\\" inside double quotes does not close', 'echo "a\\" #{a.b}"', ['DoubleQuoted']],
    ["\\' outside quotes opens nothing", "echo \\' #{a.b}", ['Unquoted']],
    ['a quote spanning lines', "echo 'first\n#{a.b}' #{c.d}", ['SingleQuoted', 'Unquoted']],
    ['$(…) inside double quotes is code again', 'echo "$(echo #{a.b}) #{c.d}"', ['Unquoted', 'DoubleQuoted']],
    ['a ) between quotes does not end $(…)', `echo "$(echo ')' #{a.b}) #{c.d}"`, ['Unquoted', 'DoubleQuoted']],
    ['(…) inside $(…) nests', 'echo "$( (echo #{a.b}) ; echo #{c.d} ) #{e.f}"', ['Unquoted', 'Unquoted', 'DoubleQuoted']],
    ['`…` inside double quotes is code again', 'echo "`echo #{a.b}` #{c.d}"', ['Unquoted', 'DoubleQuoted']],
    ['\\" inside `…` inside double quotes is a quote', 'echo "`echo \\"#{a.b}\\" #{c.d}`"', ['DoubleQuoted', 'Unquoted']],
    ['a backtick ends `…` even between quotes in it', "echo `echo 'x` #{a.b}", ['Unquoted']],
    ['a # starting a word is a comment, its apostrophe opens nothing', "# don't\necho #{a.b}", ['Unquoted']],
    ['a # starting `…` is a comment, to the closing backtick', "echo `# it's`; echo '#{a.b}'\necho `# it's` #{c.d}", ['SingleQuoted', 'Unquoted']],
    ['a # inside a word is no comment', "echo it#'s\n#{a.b}'", ['SingleQuoted']],
    ['a reference starting a word is no comment', "echo #{a.b} 'x' #{c.d}", ['Unquoted', 'Unquoted']],
    ['a backslash before it', 'echo \\#{a.b} "\\#{c.d}" \'\\#{e.f}\' $\'\\#{g.h}\'', ['Unquoted \\', 'DoubleQuoted \\', 'SingleQuoted', 'AnsiCQuoted \\']],
    ['an escaped backslash before it', 'echo \\\\#{a.b} "\\\\#{c.d}"', ['Unquoted', 'DoubleQuoted']],
    ['a $ before it', 'echo $#{a.b} "$#{c.d}" \\$#{e.f}', ['Unquoted $', 'DoubleQuoted $', 'Unquoted']],
    ['arithmetic', 'echo $(( #{a.b} + 1 )) "$((#{c.d}))"\n(( x = #{e.f} ))', ['Arithmetic', 'Arithmetic', 'Arithmetic']],
    ['<< inside arithmetic is a shift, not a here-document', 'echo $(( 1 << 2 )) #{a.b}', ['Unquoted']],
    ['a here-string is no here-document', "cat <<<'#{a.b}' #{c.d}", ['SingleQuoted', 'Unquoted']],
  ])('%s', (_, script, expected) => {
    expect(kinds(script)).toEqual(expected);
  });

  it.each<[string, string, string[]]>([
    ['unquoted delimiter: expanded, quotes are plain characters', `cat <<EOF\nit's "#{a.b}" \\#{c.d}\nEOF\necho '#{e.f}'`, ['HereDocument', 'HereDocument \\', 'SingleQuoted']],
    ["quoted delimiter: never parsed", `cat <<'EOF'\n"#{a.b}\nEOF\necho #{c.d}`, ['QuotedHereDocument until EOF', 'Unquoted']],
    ['each quoting of the delimiter counts', `cat <<"E"\n#{a.b}\nE\ncat <<\\F\n#{c.d}\nF\ncat <<G"H"\n#{e.f}\nGH`, ['QuotedHereDocument until E', 'QuotedHereDocument until F', 'QuotedHereDocument until GH']],
    ['<<- strips leading tabs from the delimiter line', `cat <<-"EOF"\n\t#{a.b}\n\tEOF\necho "#{c.d}"`, ['QuotedHereDocument until EOF', 'DoubleQuoted']],
    ['a line that only starts with the delimiter does not end it', `cat <<'EOF'\nEOF and more\n#{a.b}\nEOF\n#{c.d}`, ['QuotedHereDocument until EOF', 'Unquoted']],
    ['two on one line, read in order', `cat <<A <<'B'; echo '#{a.b}'\n#{c.d}\nA\n#{e.f}\nB\n#{g.h}`, ['SingleQuoted', 'HereDocument', 'QuotedHereDocument until B', 'Unquoted']],
    ['the body starts on the next line, after quotes on this one', `cat <<EOF "#{a.b}\n#{c.d}"\n#{e.f}\nEOF`, ['DoubleQuoted', 'DoubleQuoted', 'HereDocument']],
    ['$(…) and `…` inside an unquoted body are code', `cat <<EOF\n$(echo '#{a.b}') \`echo #{c.d}\`\nEOF`, ['SingleQuoted', 'Unquoted']],
    ['inside $(…)', `x="$(cat <<'EOF'\n#{a.b}\nEOF\n)" #{c.d}`, ['QuotedHereDocument until EOF', 'Unquoted']],
    ['inside `…`', "x=`cat <<'EOF'\n#{a.b}\nEOF\n` #{c.d}", ['QuotedHereDocument until EOF', 'Unquoted']],
    ["$'…' quotes the delimiter like '…'", "cat <<$'EOF'\n#{a.b}\nEOF\n#{c.d}", ['QuotedHereDocument until EOF', 'Unquoted']],
    ['a comment hides a here-document operator', "# cat <<'EOF'\n#{a.b}", ['Unquoted']],
  ])('here-documents: %s', (_, script, expected) => {
    expect(kinds(script)).toEqual(expected);
  });
});
