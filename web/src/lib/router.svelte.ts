// Client-side routes on real paths (the gateway answers index.html for them): no hash, links are plain <a href>.
export type Route =
  | { name: 'pipelines' }
  | { name: 'sign-in' }
  | { name: 'pipeline'; pipelineName: string }
  | { name: 'execution'; pipelineName: string; executionId: string }
  | { name: 'executions'; pipelineName: string }
  | { name: 'pipeline-as-of'; pipelineName: string }
  | { name: 'pipeline-trends'; pipelineName: string }
  | { name: 'pipeline-environments'; pipelineName: string }
  | { name: 'pipeline-edit'; pipelineName: string }
  | { name: 'pipeline-versions'; pipelineName: string }
  | { name: 'new-pipeline' }
  | { name: 'audit' }
  | { name: 'secrets' }
  | { name: 'graph' }
  | { name: 'import' }
  | { name: 'not-found'; path: string };

export function routeOf(path: string): Route {
  const parts = path.split('/').filter((p) => p !== '').map(decodeURIComponent);
  if (parts.length === 0) return { name: 'pipelines' };
  if (parts.length === 1 && parts[0] === 'sign-in') return { name: 'sign-in' };
  if (parts.length === 1 && parts[0] === 'audit') return { name: 'audit' };
  if (parts.length === 1 && parts[0] === 'secrets') return { name: 'secrets' };
  if (parts.length === 1 && parts[0] === 'graph') return { name: 'graph' };
  if (parts.length === 1 && parts[0] === 'new-pipeline') return { name: 'new-pipeline' };
  if (parts[0] === 'pipelines' && parts[2] === 'edit' && parts.length === 3) return { name: 'pipeline-edit', pipelineName: parts[1]! };
  if (parts[0] === 'pipelines' && parts[2] === 'versions' && parts.length === 3) return { name: 'pipeline-versions', pipelineName: parts[1]! };
  if (parts.length === 1 && parts[0] === 'import') return { name: 'import' };
  if (parts[0] === 'pipelines' && parts[2] === 'executions' && parts.length === 3) return { name: 'executions', pipelineName: parts[1]! };
  if (parts[0] === 'pipelines' && parts[2] === 'as-of' && parts.length === 3) return { name: 'pipeline-as-of', pipelineName: parts[1]! };
  if (parts[0] === 'pipelines' && parts[2] === 'trends' && parts.length === 3) return { name: 'pipeline-trends', pipelineName: parts[1]! };
  if (parts[0] === 'pipelines' && parts[2] === 'environments' && parts.length === 3) return { name: 'pipeline-environments', pipelineName: parts[1]! };
  if (parts[0] === 'pipelines' && parts.length === 2) return { name: 'pipeline', pipelineName: parts[1]! };
  if (parts[0] === 'pipelines' && parts[2] === 'executions' && parts.length === 4) {
    return { name: 'execution', pipelineName: parts[1]!, executionId: parts[3]! };
  }
  return { name: 'not-found', path };
}

export const pipelinePath = (name: string) => `/pipelines/${encodeURIComponent(name)}`;
export const executionsPath = (name: string) => `${pipelinePath(name)}/executions`;
export const pipelineAsOfPath = (name: string) => `${pipelinePath(name)}/as-of`;
export const pipelineTrendsPath = (name: string) => `${pipelinePath(name)}/trends`;
export const pipelineEnvironmentsPath = (name: string) => `${pipelinePath(name)}/environments`;
export const pipelineEditPath = (name: string) => `${pipelinePath(name)}/edit`;
export const pipelineVersionsPath = (name: string) => `${pipelinePath(name)}/versions`;
export const NEW_PIPELINE_PATH = '/new-pipeline';
export const GRAPH_PATH = '/graph';
export const executionPath = (name: string, id: string) => `${pipelinePath(name)}/executions/${encodeURIComponent(id)}`;

class Router {
  route = $state<Route>(routeOf(location.pathname));

  constructor() {
    addEventListener('popstate', () => (this.route = routeOf(location.pathname)));
    // Same-origin links navigate without a reload.
    document.addEventListener('click', (event) => {
      const link = (event.target as Element | null)?.closest?.('a');
      if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || link.target || link.hasAttribute('download')) return;
      const url = new URL(link.href, location.href);
      if (url.origin !== location.origin || url.pathname.startsWith('/graphql')) return;
      event.preventDefault();
      this.go(url.pathname + url.hash);
    });
  }

  go(path: string): void {
    history.pushState(null, '', path);
    this.route = routeOf(location.pathname);
    if (!location.hash) window.scrollTo(0, 0);
  }
}

export const router = new Router();
