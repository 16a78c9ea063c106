import { VERBS } from './index';
import { suggestVerbs } from './suggest-verbs';

describe('what an unknown verb most likely meant', () => {
  it.each([
    [['get-pipelinestate'], ['get-pipeline-state']],
    [['start-pipline'], ['start-pipeline-execution']],
    [['wait'], ['wait pipeline-execution-succeeded']],
    [['list-pipeline'], ['list-pipelines']],
  ])('%j → %j', (typed, expected) => {
    expect(suggestVerbs(typed, VERBS).slice(0, expected.length)).toEqual(expected);
  });

  it('suggests nothing for a word unlike any verb', () => {
    expect(suggestVerbs(['frobnicate'], VERBS)).toEqual([]);
  });
});
