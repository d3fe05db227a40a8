export { freePort } from './free-port';
export { waitFor } from './wait-for';
export { startApp, startCli, type AppProcess, type LogLine } from './app-process';
export { StopWaiting } from './wait-for';
export { deploymentEnv, pipelineEnv, type Deployment, type PipelineEnv } from './e2e/pipeline-env';
export { deferred } from './deferred';
export { SCRATCH_PREFIX, removeKafkaScratch, removeOpenSearchScratch, scratchNames, type ScratchNames } from './scratch';
export { injectAs, testKeys, type TestKeys } from './api-keys';
