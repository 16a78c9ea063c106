import { ProviderFailure } from '../provider-failure';
import { assertVariableCount, parseExportedVariables, parseOutputVariablesFile } from './output-variables-file';

describe('output variables', () => {
  it('reads name=value lines; the value keeps later = signs; a later line wins', () => {
    const text = '# written by the build\nVERSION=1.2.3\n\nQUERY=a=b&c=d\r\nVERSION=1.2.4\nEMPTY=\n';
    expect(parseOutputVariablesFile(text)).toEqual({ VERSION: '1.2.4', QUERY: 'a=b&c=d', EMPTY: '' });
  });

  it.each(['no separator here', '=value without a name', 'has space=1', 'dots.not.allowed=1'])('refuses %j naming the line', (line) => {
    expect(() => parseOutputVariablesFile(`OK=1\n${line}\n`)).toThrow(ProviderFailure);
    expect(() => parseOutputVariablesFile(`OK=1\n${line}\n`)).toThrow(/line 2 of \$SLUICE_OUTPUT_VARIABLES/);
  });

  it('reads NUL-separated exports, values with newlines included', () => {
    expect(parseExportedVariables('A\0one\ntwo\0B\0\0')).toEqual({ A: 'one\ntwo', B: '' });
  });

  it('refuses more than 100 variables', () => {
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, index) => [`V${index}`, 'x']));
    expect(() => assertVariableCount(many)).toThrow('101 output variables, at most 100 are allowed');
  });
});
