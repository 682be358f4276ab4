import { describe, expect, it } from 'vitest';
import { parameterFlags, parameterSpecs, resolveParameters, shown } from '../../../lib/deploy/parameters';

const specs = parameterSpecs({
  Allow: { Type: 'CommaDelimitedList' },
  Token: { Type: 'String', NoEcho: true, Default: '' },
  Limit: { Type: 'Number', Default: 500 },
  Tier: { Type: 'String', Default: 'Standard', AllowedValues: ['Expedited', 'Standard', 'Bulk'] },
});

describe('resolveParameters', () => {
  it('takes the template default, then each layer in turn, typed', () => {
    expect(resolveParameters(specs, { Allow: 'a/, b/x/' }, { Limit: '50' }, { Limit: '60', Tier: 'Bulk' })).toEqual({
      Allow: ['a/', 'b/x/'],
      Token: '',
      Limit: 60,
      Tier: 'Bulk',
    });
  });

  it('reports every problem at once, naming each parameter', () => {
    expect(() => resolveParameters(specs, { Limit: 'many', Tier: 'Fast', Extra: '1' })).toThrow(
      'template parameters:\n  Extra: the template has no such parameter\n  Allow: required\n  Limit: "many" is not a number\n  Tier: "Fast" is not one of Expedited, Standard, Bulk',
    );
  });

  it('never shows a NoEcho value', () => {
    expect(shown(specs[1]!, 'secret')).toBe('****');
    expect(shown(specs[0]!, ['a/', 'b/'])).toBe('a/,b/');
  });
});

describe('parameterFlags', () => {
  it('splits Name=value at the first =', () => {
    expect(parameterFlags(['A=x=y', 'B='])).toEqual({ A: 'x=y', B: '' });
    expect(() => parameterFlags(['novalue'])).toThrow('--parameter takes Name=value (got "novalue")');
  });
});
