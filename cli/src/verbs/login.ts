import { saveProfile } from '../profile';
import type { Verb } from '../verb';

/** `login`: checks a token against the endpoint, then keeps both in the profile. */
export const loginVerb: Verb = {
  name: 'login',
  summary: 'Keeps a token (and the endpoint) in your profile after checking the gateway accepts it.',
  writesProfile: true,
  parameters: [{ name: 'token', type: 'string', required: true, description: 'An API token (the embedded mode prints the admin’s and keeps it in $SLUICE_DATA_DIR/admin-token).' }],
  examples: ['sluice login --token "$(cat .sluice/admin-token)" --endpoint-url http://localhost:4000', 'sluice --profile prod login --token file://prod-token.txt'],
  async run(input, { gateway, profile }) {
    const token = (input['token'] as string).trim();
    const checked = gateway.withToken(token);
    await checked.request(`query { listPipelines(first: 1) { pageInfo { hasNextPage } } }`);
    await saveProfile(profile.file, profile.name, { endpoint_url: gateway.endpoint, token });
    return { profile: profile.name, endpointUrl: gateway.endpoint, configFile: profile.file };
  },
};
