import { createTool } from '@mastra/core/tools';

/** A tool that needs no model: enough for Mastra to serve the protected `/api/tools` routes. */
export const echoTool = createTool({
  id: 'echo',
  description: 'Returns its input unchanged.',
  execute: async (input) => input,
});
