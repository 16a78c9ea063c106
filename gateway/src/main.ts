// The gateway alone (distributed mode): SLUICE_SUBGRAPHS names the subgraphs, SLUICE_PORT its port.
import { runUntilSignal } from '@sluice/runtime';
import { startGateway } from './gateway-server';
import { loadGatewayConfig } from './subgraph-config';

runUntilSignal(async () => {
  const config = loadGatewayConfig(process.env);
  const gateway = await startGateway({ ...config, log: (line) => console.log(line) });
  const subgraphs = config.subgraphs.map((s) => `${s.name} (${s.url})`).join(', ');
  console.log(`gateway listening at ${gateway.url}/graphql — subgraphs: ${subgraphs}`);
  return () => gateway.stop();
});
